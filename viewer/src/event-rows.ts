/// <reference lib="dom" />
import { escapeControl } from '../../contract/visible-text.js';
import type { SessionEvent } from './api-types.js';
import { externalLink, h, svg, urlText } from './dom.js';
import {
  clockSeconds,
  firstText,
  formatDate,
  formatOffset,
  formatTimeOfDay,
  idText,
  isolated,
  isolatedId,
} from './format.js';

export const STRIP_HEIGHT = 36;
export const STRIP_WIDTH = 1000;

/** What an event is about, in one line: its name (a track's event, a page's), else a page's title, url or path, else its type. */
export function eventLabel(event: SessionEvent): string {
  return firstText(event.name, event.title, event.url, event.path) ?? event.type;
}

function typeClass(event: SessionEvent): string {
  return `type-${event.type.replace(/[^a-z]/g, '')}`;
}

/** An event's time since its session started, in whole seconds as the times shown beside it read. */
function offsetText(event: SessionEvent, startedAt: number): string {
  return formatOffset(clockSeconds(startedAt, event.timestamp));
}

/** Where on the strip an event `offset` ms into a session lasting `duration` ms goes. */
function tickX(offset: number, duration: number): string {
  // An event may lie past the end said when it was loaded: it arrived late, and the API said the end before.
  const share = duration > 0 ? Math.min(1, Math.max(0, offset / duration)) : 0.5;
  return (4 + share * (STRIP_WIDTH - 8)).toFixed(1);
}

/** An event at its time within the session's bounds, on the strip above the list. */
export function eventTick(event: SessionEvent, startedAt: number, endedAt: number): SVGLineElement {
  const offset = event.timestamp - startedAt;
  const x = tickX(offset, endedAt - startedAt);
  return svg(
    'line',
    {
      class: `event-tick ${typeClass(event)}`,
      'data-offset': offset,
      x1: x,
      x2: x,
      y1: 4,
      y2: STRIP_HEIGHT - 4,
    },
    svg('title', {}, `${offsetText(event, startedAt)} ${event.type}: ${isolated(eventLabel(event))}`),
  );
}

/** Moves the ticks of `eventTick` to a session that lasts `duration` ms now (it grew since they were drawn). */
export function moveTicks(ticks: readonly SVGLineElement[], duration: number): void {
  for (const tick of ticks) {
    const x = tickX(Number(tick.getAttribute('data-offset')), duration);
    tick.setAttribute('x1', x);
    tick.setAttribute('x2', x);
  }
}

/** An event's ids, for the tooltip: what to look for in the export it came from. */
function eventIds(event: SessionEvent): string | null {
  const ids = [
    event.messageId === null ? null : `messageId ${isolatedId(event.messageId)}`,
    event.anonymousId === null ? null : `anonymousId ${isolatedId(event.anonymousId)}`,
  ].filter((id) => id !== null);
  return ids.length === 0 ? null : ids.join('\n');
}

/**
 * What a screen reader names an event's row by: the event, then when: `Product 1, page, 19:52:26.250, +1:26`.
 * Without one, Chromium names a list item by its tooltip, so every row was read as its messageId; named, the
 * tooltip's ids are its description. A url or path reads with its escapes, as the row shows it.
 */
function rowName(
  event: SessionEvent,
  label: string,
  labelIsUrl: boolean,
  time: string,
  offset: string,
): string {
  const what =
    label === event.type
      ? event.type
      : `${labelIsUrl ? escapeControl(label) : isolated(label)}, ${event.type}`;
  return `${what}, ${time}, ${offset}`;
}

/**
 * One event's row. `showAnonymousId` when the session's events came from more than one anonymousId (stitched
 * devices or a reset): which device each event came from is then part of what the row says.
 */
export function eventItem(event: SessionEvent, startedAt: number, showAnonymousId: boolean): HTMLElement {
  const label = eventLabel(event);
  // A session may run past midnight (UTC), a bot's for days: the times of its later days say their day.
  const day = formatDate(event.timestamp);
  const laterDay = day === formatDate(startedAt) ? null : day;
  const details: (Node | string)[] = [];
  const url = firstText(event.url);
  const path = firstText(event.path);
  // A title that is the url itself (as many sites leave it) is said once, by the link.
  if (firstText(event.title) !== null && event.title !== label && event.title !== url) {
    details.push(h('span', { class: 'page-title' }, event.title), ' ');
  }
  // A page view without a name or a title (or titled with its url) is labelled by its url: the label is then
  // the link, said once.
  const labelIsUrl = url !== null && url === label;
  const labelIsPath = url === null && path !== null && path === label;
  if (url !== null && !labelIsUrl) details.push(externalLink(url));
  else if (url === null && path !== null && !labelIsPath) details.push(urlText(path));
  if (showAnonymousId && event.anonymousId !== null) {
    if (details.length > 0) details.push(' ');
    details.push(h('code', { class: 'event-anonymous-id' }, idText(event.anonymousId)));
  }
  const time = formatTimeOfDay(event.timestamp);
  const offset = offsetText(event, startedAt);
  return h(
    'li',
    {
      class: 'event',
      'data-event-id': event.id,
      'aria-label': rowName(
        event,
        label,
        labelIsUrl || labelIsPath,
        laterDay === null ? time : `${laterDay} ${time}`,
        offset,
      ),
      title: eventIds(event),
    },
    h(
      'time',
      { datetime: new Date(event.timestamp).toISOString() },
      laterDay === null ? null : h('span', { class: 'event-day' }, laterDay),
      laterDay === null ? null : ' ',
      time,
    ),
    h('span', { class: 'offset' }, offset),
    h('span', { class: `type ${typeClass(event)}` }, event.type),
    h('span', { class: 'label' }, labelIsUrl ? externalLink(label) : labelIsPath ? urlText(label) : label),
    details.length > 0 ? h('span', { class: 'detail' }, ...details) : null,
  );
}
