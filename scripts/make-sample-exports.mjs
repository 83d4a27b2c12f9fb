// Derives one sample export per vendor format from events/sample-export.ndjson (the bad line stays only in the Segment samples).
// Run from the repo root: node scripts/make-sample-exports.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';

const events = readFileSync('events/sample-export.ndjson', 'utf8')
  .trim()
  .split('\n')
  .flatMap((l) => {
    try {
      const e = JSON.parse(l);
      return e?.timestamp && (e.userId || e.anonymousId) ? [e] : [];
    } catch {
      return [];
    }
  });
const amp = events.map((e, _i) => ({
  event_type: e.type === 'page' ? '[Amplitude] Page Viewed' : e.type === 'track' ? e.event : `$${e.type}`,
  event_time: e.timestamp.replace('T', ' ').replace('Z', '000'),
  user_id: e.userId ?? null,
  device_id: e.anonymousId ?? null,
  $insert_id: e.messageId,
  platform: 'Web',
  os_name: 'Safari',
  event_properties: e.properties ?? {},
}));
const mp = events.map((e) => ({
  event: e.type === 'page' ? '$mp_web_page_view' : e.type === 'track' ? e.event : `$${e.type}`,
  properties: {
    time: Date.parse(e.timestamp) / 1000,
    distinct_id: e.userId ?? `$device:${e.anonymousId}`,
    $device_id: e.anonymousId ?? undefined,
    ...(e.userId ? { $user_id: e.userId } : {}),
    $insert_id: e.messageId,
    $os: 'Mac OS X',
    $browser: 'Safari',
    mp_lib: 'web',
  },
}));
const ph = events.map((e) => ({
  uuid: e.messageId,
  event:
    e.type === 'page'
      ? '$pageview'
      : e.type === 'screen'
        ? '$screen'
        : e.type === 'track'
          ? e.event
          : `$${e.type}`,
  distinct_id: e.userId ?? e.anonymousId,
  timestamp: e.timestamp,
  properties: {
    $device_id: e.anonymousId ?? undefined,
    $os: 'Mac OS X',
    $browser: 'Safari',
    ...(e.type === 'page'
      ? {
          $current_url: `https://shop.example${e.properties?.path ?? '/'}`,
          $pathname: e.properties?.path ?? '/',
          $referrer: e.properties?.referrer ?? null,
        }
      : {}),
  },
}));
const lines = (xs) => `${xs.map((x) => JSON.stringify(x)).join('\n')}\n`;
writeFileSync('events/sample-export.mixpanel.ndjson', lines(mp));
writeFileSync('events/sample-export.posthog.json', `${JSON.stringify(ph, null, 1)}\n`);
const half = Math.ceil(amp.length / 2);
// A fixed member time, given in local components as the ZIP stores it: the same bytes on every run and machine.
const zip = zipSync(
  {
    'sessionizer-sample/2024-01-02_08#0.json.gz': gzipSync(Buffer.from(lines(amp.slice(0, half)))),
    'sessionizer-sample/2024-01-02_09#0.json.gz': gzipSync(Buffer.from(lines(amp.slice(half)))),
  },
  { mtime: new Date(2024, 0, 2, 12) },
);
writeFileSync('events/sample-export.amplitude.zip', zip);
writeFileSync('events/sample-export.segment-logs.gz', gzipSync(readFileSync('events/sample-export.ndjson')));
console.log(amp.length, mp.length, ph.length);
