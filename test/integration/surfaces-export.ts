// One adversarial but valid export, written in each format of rule 1b, for surfaces-vs-api.test.ts: ids that
// need encoding in a URL path and quoting or a formula guard in CSV, texts whose 1,024-unit cut falls inside
// a surrogate pair, utm parameters repeated, after a fragment, with + and %-escapes, page fields sent as
// numbers, strings, null or not at all, eleven anonymousIds in one session, timestamps with offsets and
// fractions, an iOS gap shorter than the default, and a bot past the length cap.

export const EXPORT_FORMATS = ['segment', 'amplitude', 'mixpanel', 'posthog'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The rules every surface runs with: the CLI's options and the store's rules say the same. */
export const SURFACE_RULES = { gapMinutes: 30, gapMinutesByPlatform: { ios: 5 }, maxSessionMinutes: 60 };
export const CLI_RULE_ARGS = ['--gap', '30', '--gap-by-platform', 'ios=5', '--max-session', '60'];

export const ODD_USERS = [
  'a,b',
  'q"uote',
  'line\nbreak',
  '=1+1',
  '+cmd',
  '-2',
  '@sum',
  "'quoted",
  'sp ace/%2F?#&=;',
  'ü😀/é',
  '~b64.YQ',
  'x/sessions',
  '.',
  '..',
  '__proto__',
];

/** In one session of each user: more than rule 9's ten. */
export const SHARED_ANONYMOUS_IDS = Array.from({ length: 11 }, (_, k) => `anon-${k}`);

/** 1,023 units, then a pair: a cut at 1,024 would leave its high surrogate alone. */
const longText = (tail: string) => `${'x'.repeat(1023)}😀${tail}`;

interface Draft {
  type: 'page' | 'track' | 'screen' | 'identify';
  userId?: string;
  anonymousId?: string;
  messageId: string;
  /** Segment and PostHog take this text; Amplitude and Mixpanel an instant of their own form. */
  timestamp: string;
  name?: string;
  platform?: string;
  page?: Record<string, unknown>;
  contextPage?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
}

function draftsOf(user: string, index: number): Draft[] {
  const m = (k: number) => `m-${index}-${k}`;
  const drafts: Draft[] = [
    {
      type: 'page',
      userId: user,
      messageId: m(0),
      timestamp: '2024-03-01T11:00:00.123456+01:00',
      platform: 'IOS',
      page: {
        url: 'https://x.example/a?utm_source=one&utm_source=two&utm_campaign=a+b%20c%2B#utm_medium=frag',
        path: 5,
        title: null,
        referrer: '',
      },
      contextPage: { title: 'context title', path: '/context' },
    },
    {
      type: 'track',
      name: longText('y'),
      userId: user,
      messageId: m(1),
      timestamp: '2024-03-01T10:04:00.999Z',
    },
    {
      type: 'page',
      name: longText(''),
      userId: user,
      messageId: m(2),
      timestamp: '2024-03-01 10:20:00,5-0000',
      page: { path: '5', title: longText('t'), url: `https://x.example/${longText('')}` },
    },
    // Six minutes after the last event on iOS: past the iOS gap, within the default one.
    {
      type: 'screen',
      name: 'S',
      userId: user,
      messageId: m(3),
      timestamp: '2024-03-01T10:26:00Z',
      platform: 'ios',
    },
  ];
  for (const [k, anonymousId] of SHARED_ANONYMOUS_IDS.entries()) {
    drafts.push({
      type: 'track',
      name: 'E',
      userId: user,
      // Shared by every user: with stitching each goes to the user of its earliest link, and stays in the
      // sessions of the others.
      anonymousId,
      messageId: m(10 + k),
      timestamp: `2024-03-01T10:${27 + k}:00+00`,
      campaign: { source: '', medium: 5 },
    });
  }
  // Every 10 minutes for three hours: three capped sessions.
  for (let k = 0; k < 18; k++) {
    const timestamp = new Date(Date.UTC(2024, 2, 2) + k * 600_000).toISOString();
    drafts.push({ type: 'track', name: 'B', userId: user, messageId: m(30 + k), timestamp });
  }
  drafts.push(
    {
      type: 'page',
      userId: user,
      messageId: m(50),
      timestamp: '2024-03-03T00:00:00.5Z',
      page: { url: 'https://x/?utm_source=&utm_medium=m%ZZ&utm_term=%E2%82%AC' },
      campaign: { name: longText('c') },
    },
    {
      type: 'page',
      anonymousId: `pre-${index}`,
      messageId: m(51),
      timestamp: '2024-03-04T09:00:00Z',
      page: { url: 'https://x/?a=1&utm_campaign=%F0%9F%98%80&utm_campaign=2', title: 5 },
    },
    {
      type: 'identify',
      anonymousId: `pre-${index}`,
      userId: user,
      messageId: m(52),
      timestamp: '2024-03-04T09:10Z',
    },
  );
  return drafts;
}

/** The instant of one of the texts above, for the formats that take epoch numbers or UTC without a zone. */
function epochMs(timestamp: string): number {
  const iso = timestamp
    .replace(' ', 'T')
    .replace(',', '.')
    .replace(/-0000$/, 'Z')
    .replace(/([+-]\d\d)$/, '$1:00');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`unparsable ${timestamp}`);
  return ms;
}

function render(draft: Draft, format: ExportFormat): Record<string, unknown> {
  const isPage = draft.type === 'page';
  if (format === 'segment') {
    return {
      type: draft.type,
      userId: draft.userId,
      anonymousId: draft.anonymousId,
      messageId: draft.messageId,
      timestamp: draft.timestamp,
      ...(draft.type === 'track' ? { event: draft.name } : { name: draft.name }),
      properties: draft.page ?? {},
      context: { device: { type: draft.platform }, page: draft.contextPage, campaign: draft.campaign },
    };
  }
  const ms = epochMs(draft.timestamp);
  const eventName = isPage ? null : draft.type === 'screen' ? draft.name : (draft.name ?? draft.type);
  if (format === 'amplitude') {
    const iso = new Date(ms).toISOString();
    return {
      event_type: eventName ?? '[Amplitude] Page Viewed',
      event_time: `${iso.slice(0, 10)} ${iso.slice(11, 23)}456`,
      user_id: draft.userId,
      device_id: draft.anonymousId,
      $insert_id: draft.messageId,
      platform: draft.platform,
    };
  }
  if (format === 'mixpanel') {
    return {
      event: eventName ?? '$mp_web_page_view',
      properties: {
        time: ms % 2 === 0 ? ms : ms / 1000,
        $user_id: draft.userId,
        $device_id: draft.anonymousId,
        distinct_id: draft.userId ?? `$device:${draft.anonymousId}`,
        $insert_id: draft.messageId,
        $os: draft.platform,
      },
    };
  }
  const utm = Object.fromEntries(
    Object.entries(draft.campaign ?? {}).map(([key, value]) => [
      key === 'name' ? 'utm_campaign' : `utm_${key}`,
      value,
    ]),
  );
  const page = { ...draft.contextPage, ...draft.page };
  return {
    event: isPage ? '$pageview' : draft.type === 'screen' ? '$screen' : eventName,
    distinct_id: draft.userId ?? draft.anonymousId,
    uuid: draft.messageId,
    timestamp: draft.timestamp,
    properties: {
      $device_id: draft.anonymousId ?? `device-of-${draft.userId}`,
      $os: draft.platform,
      ...(draft.type === 'screen' && { $screen_name: draft.name }),
      ...(isPage && {
        $current_url: page.url,
        $pathname: page.path,
        title: page.title,
        $referrer: page.referrer,
      }),
      ...utm,
    },
  };
}

/** The export in `format`, as NDJSON. */
export function surfacesExport(format: ExportFormat): string {
  const drafts = ODD_USERS.flatMap(draftsOf);
  return `${drafts.map((draft) => JSON.stringify(render(draft, format))).join('\n')}\n`;
}
