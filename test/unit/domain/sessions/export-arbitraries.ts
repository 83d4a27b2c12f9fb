import fc from 'fast-check';
import {
  anonymousIdArbitrary,
  BAD_TIMESTAMPS,
  campaignArbitrary,
  from,
  instantArbitrary,
  type Maybe,
  MISSING,
  messageIdArbitrary,
  nameArbitrary,
  PROTO_KEY,
  pad,
  pageFieldsArbitrary,
  planArbitrary,
  platformArbitrary,
  pool,
  serialize,
  textTimestampArbitrary,
  userIdArbitrary,
} from './export-values.js';

/**
 * Raw export lines in every format, drawn from small pools so that the rules' corners come up often:
 * duplicates and messageId collisions at one instant, equal timestamps, gaps of exactly the gap, links and
 * shared devices, ids in every spelling, page and campaign fallbacks, rejections and lines that are not JSON.
 */

export type LineFormat = 'segment' | 'amplitude' | 'mixpanel' | 'posthog';

export interface ExportLine {
  /** The format the line was written in; `garbage` for lines that are not an event object. */
  readonly format: LineFormat | 'garbage';
  /** One NDJSON line, without its newline (it may carry white space that trimming removes). */
  readonly text: string;
}

/** Segment (and RudderStack) events, with the page fields split between properties and context.page. */
const segmentEventArbitrary = fc
  .record({
    type: pool<unknown>(
      ['track', 'track', 'page', 'page', 'identify'],
      ['screen', 'alias', 'group', 'Track', null],
    ),
    event: nameArbitrary,
    name: nameArbitrary,
    userId: userIdArbitrary,
    anonymousId: anonymousIdArbitrary,
    messageId: messageIdArbitrary,
    timestamp: textTimestampArbitrary,
    platform: platformArbitrary,
    plan: planArbitrary,
    ownPage: pageFieldsArbitrary,
    contextPage: fc.option(pageFieldsArbitrary, { nil: MISSING }),
    campaign: fc.oneof(
      { weight: 2, arbitrary: campaignArbitrary },
      { weight: 3, arbitrary: from<Maybe<unknown>>(['spring', ['news'], MISSING, MISSING]) },
    ),
    proto: fc.boolean(),
  })
  .map((d) => {
    const object: Record<string, unknown> = {
      type: d.type,
      event: d.event,
      name: d.name,
      userId: d.userId,
      anonymousId: d.anonymousId,
      messageId: d.messageId,
      timestamp: d.timestamp,
      properties: { plan: d.plan, ...d.ownPage },
      context: { device: { type: d.platform }, page: d.contextPage, campaign: d.campaign },
    };
    if (d.proto) object[PROTO_KEY] = { plan: d.plan };
    return object;
  });

const amplitudeTime = (ms: number, micro: number) => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${pad(micro, 3)}`;
};

const amplitudeEventArbitrary = fc
  .record({
    eventType: from(['Play', 'Play', '[Amplitude] Page Viewed']),
    userId: userIdArbitrary,
    deviceId: anonymousIdArbitrary,
    time: fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(instantArbitrary, fc.integer({ min: 0, max: 999 }))
          .map(([ms, micro]) => amplitudeTime(ms, micro)),
      },
      { weight: 1, arbitrary: from<unknown>(BAD_TIMESTAMPS) },
    ),
    insertId: messageIdArbitrary,
    legacyInsertId: messageIdArbitrary,
    uuid: messageIdArbitrary,
    platform: platformArbitrary,
    plan: planArbitrary,
  })
  .map((d) => ({
    event_type: d.eventType,
    user_id: d.userId,
    device_id: d.deviceId,
    event_time: d.time,
    $insert_id: d.insertId,
    insert_id: d.legacyInsertId,
    uuid: d.uuid,
    platform: d.platform,
    event_properties: { plan: d.plan },
  }));

const mixpanelEventArbitrary = fc
  .record({
    event: from(['Signup', 'Signup', '$mp_web_page_view']),
    time: fc.oneof(
      { weight: 4, arbitrary: instantArbitrary.map((ms) => ms / 1000) },
      { weight: 2, arbitrary: instantArbitrary },
      { weight: 1, arbitrary: instantArbitrary.map((ms) => ms + 0.7) },
      // Seconds whose milliseconds round up, not down.
      { weight: 1, arbitrary: instantArbitrary.map((ms) => (ms + 0.6) / 1000) },
      { weight: 1, arbitrary: from<unknown>(['1704099600', null, 1e16, 4.0005]) },
    ),
    distinctId: pool<Maybe<unknown>>(
      ['u-1', 'u-2', '$device:a-1', '$device:a-2'],
      [' $device:a-1 ', '$device:', 7, MISSING],
    ),
    userId: pool<Maybe<unknown>>(['u-1', MISSING, MISSING], ['u-2', '', { id: 1 }]),
    deviceId: pool<Maybe<unknown>>(['a-1', MISSING, MISSING], ['a-2', ' ']),
    insertId: messageIdArbitrary,
    os: platformArbitrary,
    plan: planArbitrary,
  })
  .map((d) => ({
    event: d.event,
    properties: {
      time: d.time,
      distinct_id: d.distinctId,
      $user_id: d.userId,
      $device_id: d.deviceId,
      $insert_id: d.insertId,
      $os: d.os,
      plan: d.plan,
    },
  }));

const posthogEventArbitrary = fc
  .record({
    event: from(['Clicked', '$pageview', '$pageview', '$screen']),
    distinctId: pool<unknown>(['u-1', 'u-2', 'a-1', 'a-2'], [' a-1 ', 42, null, { id: 1 }]),
    uuid: pool<unknown>(['m-1', 'm-2', 'm-3', null], [7, '', ' m-1 ']),
    timestamp: textTimestampArbitrary,
    deviceId: pool<Maybe<unknown>>(['a-1', 'a-2', MISSING], ['a-3', '42', '', ' a-1 ']),
    os: platformArbitrary,
    page: pageFieldsArbitrary,
    campaign: fc.option(campaignArbitrary, { freq: 2, nil: undefined }),
    screenName: nameArbitrary,
    plan: planArbitrary,
  })
  .map((d) => ({
    event: d.event,
    distinct_id: d.distinctId,
    uuid: d.uuid,
    timestamp: d.timestamp,
    properties: {
      $device_id: d.deviceId,
      $os: d.os,
      $current_url: d.page.url,
      $pathname: d.page.path,
      title: d.page.title,
      $referrer: d.page.referrer,
      utm_source: d.campaign?.source ?? MISSING,
      utm_medium: d.campaign?.medium ?? MISSING,
      utm_campaign: d.campaign?.name ?? MISSING,
      utm_term: d.campaign?.term ?? MISSING,
      utm_content: d.campaign?.content ?? MISSING,
      $screen_name: d.screenName,
      plan: d.plan,
    },
  }));

const GARBAGE = ['not json', '{"type":"track",', '[1,2]', '42', '"text"', 'null', 'a,b,c'];
/** White space that trimming removes from an NDJSON line. */
const PADDING = ['', '', '', ' ', '\t', '\r', '\u00a0', '\ufeff', '\u2028'];

export const FORMAT_ARBITRARIES: Record<LineFormat, fc.Arbitrary<Record<string, unknown>>> = {
  segment: segmentEventArbitrary,
  amplitude: amplitudeEventArbitrary,
  mixpanel: mixpanelEventArbitrary,
  posthog: posthogEventArbitrary,
};

interface Drafted {
  readonly format: LineFormat | 'garbage';
  /** The event as plain JSON (sentinels still in place), or the garbage line's text. */
  readonly value: Record<string, unknown> | string;
}

/**
 * Where each format keeps members the rules never read, its platform, and the member that decides whether an
 * event is a page view (with values that make it one, a screen or neither).
 */
const EXTRA: Record<LineFormat, { container: string; platform: string[]; kind: string[]; kinds: string[] }> =
  {
    segment: {
      container: 'properties',
      platform: ['context', 'device', 'type'],
      kind: ['type'],
      kinds: ['page', 'screen', 'track'],
    },
    amplitude: {
      container: 'event_properties',
      platform: ['platform'],
      kind: ['event_type'],
      kinds: ['[Amplitude] Page Viewed', 'Play'],
    },
    mixpanel: {
      container: 'properties',
      platform: ['properties', '$os'],
      kind: ['event'],
      kinds: ['$mp_web_page_view', 'Signup'],
    },
    posthog: {
      container: 'properties',
      platform: ['properties', '$os'],
      kind: ['event'],
      kinds: ['$pageview', '$screen', 'Clicked'],
    },
  };

function setPath(object: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = object;
  for (const step of path.slice(0, -1)) {
    const next = current[step];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[step] = {};
    current = current[step] as Record<string, unknown>;
  }
  current[path[path.length - 1] as string] = value;
}

type VariantKind = 'verbatim' | 'respelled' | 'altered';

/**
 * Another copy of an event: verbatim (a redelivery), respelled (a member the rules never read differs, so
 * the copies tie and only the canonical-JSON tie-break tells them apart) or altered (same id and instant,
 * but its platform or its kind, page view or not, differs).
 */
function variantOf(drafted: Drafted, kind: VariantKind, value: number): Drafted {
  if (typeof drafted.value === 'string' || drafted.format === 'garbage' || kind === 'verbatim')
    return drafted;
  const copy = structuredClone(drafted.value);
  const extra = EXTRA[drafted.format];
  // `attempt` sorts before every member the rules read, `retry` inside the container after most of them.
  if (kind === 'respelled') setPath(copy, value % 2 === 0 ? ['attempt'] : [extra.container, 'retry'], value);
  else if (value < 3) setPath(copy, extra.platform, ['ios', 'web', 'tv'][value]);
  else setPath(copy, extra.kind, extra.kinds[value % extra.kinds.length]);
  return { format: drafted.format, value: copy };
}

const draftArbitrary = (format: LineFormat): fc.Arbitrary<Drafted> =>
  // Through JSON once: members set to MISSING go, and the result can be cloned.
  FORMAT_ARBITRARIES[format].map((object) => ({ format, value: JSON.parse(JSON.stringify(object)) }));

const garbageArbitrary: fc.Arbitrary<Drafted> = from(GARBAGE).map((text) => ({
  format: 'garbage' as const,
  value: text,
}));

/** Lines of the given formats (and a few that are not events), plus verbatim, respelled and altered copies. */
export function exportLinesArbitrary(
  formats: readonly LineFormat[],
  options: { maxLines?: number; garbage?: boolean } = {},
): fc.Arbitrary<ExportLine[]> {
  const draft = fc.oneof(
    ...formats.map((format) => ({ weight: 4, arbitrary: draftArbitrary(format) })),
    ...(options.garbage === false ? [] : [{ weight: 1, arbitrary: garbageArbitrary }]),
  );
  return fc
    .array(draft, { minLength: 1, maxLength: options.maxLines ?? 30 })
    .chain((drafts) =>
      fc
        .array(
          fc.record({
            // Mostly copies of the first few events, so that several copies of one event meet.
            of: fc.oneof(fc.nat({ max: Math.min(2, drafts.length - 1) }), fc.nat({ max: drafts.length - 1 })),
            kind: from<VariantKind>(['verbatim', 'respelled', 'respelled', 'altered']),
            value: fc.nat({ max: 5 }),
          }),
          { maxLength: 10 },
        )
        .map((variants) => [
          ...drafts,
          ...variants.map(({ of, kind, value }) => variantOf(drafts[of] as Drafted, kind, value)),
        ]),
    )
    .chain((all) =>
      fc
        .array(fc.tuple(from(PADDING), from(PADDING)), { minLength: all.length, maxLength: all.length })
        .map((paddings) =>
          all.map((drafted, index): ExportLine => {
            if (typeof drafted.value === 'string') return { format: 'garbage', text: drafted.value };
            const [before, after] = paddings[index] ?? ['', ''];
            return { format: drafted.format, text: `${before}${serialize(drafted.value)}${after}` };
          }),
        ),
    );
}

export const sessionRulesArbitrary = fc.record({
  gapMinutes: from([30, 30, 10, 2.5]),
  gapMinutesByPlatform: from<Record<string, number>>([{}, {}, { ios: 5 }, { ios: 5, android: 45.5 }]),
  maxSessionMinutes: from<number | undefined>([undefined, undefined, 60, 45.5, 20]),
  identityStitching: fc.boolean(),
});
