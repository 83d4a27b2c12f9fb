/// <reference lib="dom" />
import type { Campaign, Device, Page, SessionDetail, SessionEvent } from './api-types.js';
import { externalLink, h, svg } from './dom.js';
import {
  firstText,
  formatCount,
  formatDateTime,
  formatDuration,
  formatOffset,
  formatTimeOfDay,
  isolated,
  plural,
} from './format.js';

const STRIP_HEIGHT = 36;
const STRIP_WIDTH = 1000;

/** What an event is about, in one line: its name (a track's event, a page's), else a page's title, url or path, else its type. */
export function eventLabel(event: SessionEvent): string {
  return firstText(event.name, event.title, event.url, event.path) ?? event.type;
}

function pageValue(page: Page | null): Node | string {
  if (page === null) return '—';
  const url = firstText(page.url);
  const where = url ?? firstText(page.path);
  const title = firstText(page.title) === null ? null : h('span', { class: 'page-title' }, page.title);
  if (title === null && where === null) return '—';
  return h(
    'span',
    { class: 'page' },
    title,
    title !== null && where !== null ? h('br') : null,
    where === null ? null : url !== null ? externalLink(url) : where,
  );
}

function campaignValue(campaign: Campaign | null): string {
  if (campaign === null) return '—';
  const parts = (['source', 'medium', 'name', 'term', 'content'] as const)
    .filter((key) => campaign[key] !== null)
    .map((key) => `${key}: ${isolated(campaign[key] ?? '')}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** A session's device in one line, `type · os · browser` of what it has; `—` for none. Also the table's. */
export function deviceValue(device: Device | null): string {
  if (device === null) return '—';
  const parts = [device.type, device.os, device.browser].filter((part) => part !== null);
  return parts.length === 0 ? '—' : parts.map(isolated).join(' · ');
}

function facts(entries: [string, Node | string][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...entries.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** Every event at its time within the session, coloured by type. */
function eventStrip(session: SessionDetail): SVGSVGElement {
  const duration = session.endedAt - session.startedAt;
  const ticks = session.events.map((event) => {
    const share = duration > 0 ? (event.timestamp - session.startedAt) / duration : 0.5;
    const x = 4 + share * (STRIP_WIDTH - 8);
    return svg(
      'line',
      {
        class: `event-tick type-${event.type.replace(/[^a-z]/g, '')}`,
        x1: x.toFixed(1),
        x2: x.toFixed(1),
        y1: 4,
        y2: STRIP_HEIGHT - 4,
      },
      svg(
        'title',
        {},
        `${formatOffset(event.timestamp - session.startedAt)} ${event.type}: ${isolated(eventLabel(event))}`,
      ),
    );
  });
  return svg(
    'svg',
    {
      class: 'event-strip',
      viewBox: `0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}`,
      preserveAspectRatio: 'none',
      role: 'img',
      // A long session's strip holds only the events loaded: say so, as the heading does.
      'aria-label':
        session.events.length < session.eventCount
          ? `The first ${formatCount(session.events.length)} of ${plural(session.eventCount, 'event')} over ${formatDuration(session.durationSeconds)}`
          : `${plural(session.events.length, 'event')} over ${formatDuration(session.durationSeconds)}`,
    },
    svg('line', { class: 'strip-axis', x1: 0, x2: STRIP_WIDTH, y1: STRIP_HEIGHT / 2, y2: STRIP_HEIGHT / 2 }),
    ...ticks,
  );
}

/** An event's ids, for the tooltip: what to look for in the export it came from. */
function eventIds(event: SessionEvent): string | null {
  const ids = [
    event.messageId === null ? null : `messageId ${isolated(event.messageId)}`,
    event.anonymousId === null ? null : `anonymousId ${isolated(event.anonymousId)}`,
  ].filter((id) => id !== null);
  return ids.length === 0 ? null : ids.join('\n');
}

/**
 * One event's row. `showAnonymousId` when the session's events came from more than one anonymousId (stitched
 * devices or a reset): which device each event came from is then part of what the row says.
 */
function eventItem(event: SessionEvent, startedAt: number, showAnonymousId: boolean): HTMLElement {
  const label = eventLabel(event);
  const details: (Node | string)[] = [];
  if (firstText(event.title) !== null && event.title !== label) {
    details.push(h('span', { class: 'page-title' }, event.title), ' ');
  }
  const url = firstText(event.url);
  const path = firstText(event.path);
  if (url !== null) details.push(externalLink(url));
  else if (path !== null && path !== label) details.push(path);
  if (showAnonymousId && event.anonymousId !== null) {
    if (details.length > 0) details.push(' ');
    details.push(h('code', { class: 'event-anonymous-id' }, event.anonymousId));
  }
  return h(
    'li',
    { class: 'event', 'data-event-id': event.id, title: eventIds(event) },
    h('time', { datetime: new Date(event.timestamp).toISOString() }, formatTimeOfDay(event.timestamp)),
    h('span', { class: 'offset' }, formatOffset(event.timestamp - startedAt)),
    h('span', { class: `type type-${event.type.replace(/[^a-z]/g, '')}` }, event.type),
    h('span', { class: 'label' }, label),
    details.length > 0 ? h('span', { class: 'detail' }, ...details) : null,
  );
}

/** The open session: its attributes and its events in order. */
function eventList(session: SessionDetail): HTMLElement {
  const list = h('ol', { class: 'events' });
  // Appended one by one: spread as arguments, thousands of items could overflow the call stack.
  const showAnonymousId = session.anonymousIds.length > 1;
  for (const event of session.events) list.append(eventItem(event, session.startedAt, showAnonymousId));
  return list;
}

export function renderSessionDetail(session: SessionDetail): HTMLElement[] {
  const attributes = facts([
    ['Started', `${formatDateTime(session.startedAt)} UTC`],
    ['Ended', `${formatDateTime(session.endedAt)} UTC`],
    ['Duration', formatDuration(session.durationSeconds)],
    ['Events', formatCount(session.eventCount)],
    ['Page views', session.pageViews === null ? '—' : formatCount(session.pageViews)],
    ['Bounce', session.bounce ? 'Yes' : 'No'],
    ['Entry page', pageValue(session.entryPage)],
    ['Exit page', pageValue(session.exitPage)],
    ['Referrer', session.entryPage?.referrer == null ? '—' : externalLink(session.entryPage.referrer)],
    ['Campaign', campaignValue(session.campaign)],
    ['Device', deviceValue(session.device)],
    [
      'Anonymous IDs',
      session.anonymousIds.length === 0
        ? '—'
        : h('ul', { class: 'ids' }, ...session.anonymousIds.map((id) => h('li', {}, h('code', {}, id)))),
    ],
  ]);
  return [
    h('div', { class: 'attributes' }, h('h3', {}, 'Attributes'), attributes),
    h(
      'div',
      { class: 'event-timeline' },
      h(
        'h3',
        {},
        session.events.length < session.eventCount
          ? `Events (the first ${formatCount(session.events.length)} of ${formatCount(session.eventCount)})`
          : `Events (${formatCount(session.events.length)})`,
      ),
      eventStrip(session),
      eventList(session),
    ),
  ];
}
