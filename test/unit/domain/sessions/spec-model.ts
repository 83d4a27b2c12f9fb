/**
 * An independent reading of the spec's rules 2, 3, 5, 7, 8 and 9 (with docs/rules.md's device and labels) for
 * Segment and PostHog objects that are all accepted, with timestamps Date.parse reads: written from the rules'
 * sentences, sharing no code with the core (nor with reference-sessionizer.ts), so that a reading both share
 * by mistake is less likely. The stitching tie-break by userId after canonical JSON is docs/rules.md's.
 */
import { createHash } from 'node:crypto';

export interface ModelRules {
  gapMinutes: number;
  gapMinutesByPlatform: Record<string, number>;
  maxSessionMinutes?: number | undefined;
  identityStitching: boolean;
}

type Obj = Record<string, unknown>;

interface Ev {
  raw: Obj;
  canonical: string;
  type: string;
  userId: string | null;
  anonymousId: string | null;
  ms: number;
  id: string;
  platform: string | null;
  resolved?: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function canon(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canon).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort(cmp);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon((value as Obj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function idOf(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  return null;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (o: unknown, ...path: string[]): unknown => {
  let v: unknown = o;
  for (const p of path) {
    if (!isObj(v) || !Object.hasOwn(v, p)) return undefined;
    v = v[p];
  }
  return v;
};

const isPosthog = (raw: Obj) => !Object.hasOwn(raw, 'type') && Object.hasOwn(raw, 'distinct_id');

function parseEvent(raw: Obj): Ev {
  const ph = isPosthog(raw);
  const device = ph ? idOf(at(raw, 'properties', '$device_id')) : null;
  const distinct = ph ? idOf(raw.distinct_id) : null;
  const userId = ph ? (distinct !== device ? distinct : null) : idOf(raw.userId);
  const anonymousId = ph ? (device ?? distinct) : idOf(raw.anonymousId);
  const ms = Date.parse(String(raw.timestamp).trim());
  const type = ph
    ? raw.event === '$pageview'
      ? 'page'
      : raw.event === '$screen'
        ? 'screen'
        : 'track'
    : String(raw.type);
  const messageId = idOf(ph ? raw.uuid : raw.messageId);
  let id: string;
  if (messageId !== null) id = `m:${messageId}`;
  else {
    const rest: Obj = {};
    const own = ph
      ? ['distinct_id', 'timestamp', 'uuid']
      : ['userId', 'anonymousId', 'timestamp', 'messageId'];
    for (const [k, v] of Object.entries(raw)) if (!own.includes(k)) rest[k] = v;
    if (ph && isObj(rest.properties)) {
      const { $device_id: _, ...props } = rest.properties;
      rest.properties = props;
    }
    const text = canon([type, userId ?? anonymousId, ms, anonymousId, rest]);
    id = `h:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
  }
  const p = ph ? at(raw, 'properties', '$os') : at(raw, 'context', 'device', 'type');
  return {
    raw,
    canonical: canon(raw),
    type,
    userId,
    anonymousId,
    ms,
    id,
    platform: typeof p === 'string' ? p.toLowerCase() : null,
  };
}

const FIELDS = ['url', 'path', 'title', 'referrer'] as const;
const MEMBERS = ['source', 'medium', 'name', 'term', 'content'] as const;

const PH_PAGE = { url: '$current_url', path: '$pathname', title: 'title', referrer: '$referrer' };

/** Rule 9's display cut: 1,024 code units, 1,023 when the 1,024th is a high surrogate. */
export function shown(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    return text.length <= 1024 ? value : shown(text);
  }
  if (typeof value !== 'string' || value.length <= 1024) return value;
  const code = value.charCodeAt(1023);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? 1023 : 1024);
}

function pageOf(raw: Obj): Obj {
  const page: Obj = {};
  if (isPosthog(raw)) {
    for (const f of FIELDS) page[f] = at(raw, 'properties', PH_PAGE[f]) ?? null;
    return page;
  }
  for (const f of FIELDS) {
    const own = at(raw, 'properties', f);
    const ctx = at(raw, 'context', 'page', f);
    page[f] = own !== undefined && own !== null ? own : ctx !== undefined && ctx !== null ? ctx : null;
  }
  return page;
}

const UTM = {
  source: 'utm_source',
  medium: 'utm_medium',
  name: 'utm_campaign',
  term: 'utm_term',
  content: 'utm_content',
};

function campaignOfEvents(events: Ev[], entry: Obj | null): Obj | null {
  for (const e of events) {
    const props = at(e.raw, 'properties');
    const c = isPosthog(e.raw)
      ? isObj(props)
        ? Object.fromEntries(MEMBERS.map((m) => [m, props[UTM[m]]]))
        : undefined
      : at(e.raw, 'context', 'campaign');
    if (!isObj(c)) continue;
    if (MEMBERS.some((m) => typeof c[m] === 'string' && c[m] !== '')) {
      return Object.fromEntries(MEMBERS.map((m) => [m, c[m] === undefined ? null : c[m]]));
    }
  }
  const url = entry?.url;
  if (typeof url !== 'string') return null;
  const q = url.indexOf('?');
  if (q === -1) return null;
  const h = url.indexOf('#');
  if (h !== -1 && h < q) return null;
  // URLSearchParams drops a leading `?`, which the form-urlencoded parser the spec names keeps in the first
  // name (`??utm_source=a` has no utm_source); a leading `&` only adds an empty sequence, which it skips.
  const params = new URLSearchParams(`&${url.slice(q + 1, h === -1 ? undefined : h)}`);
  const names = {
    source: 'utm_source',
    medium: 'utm_medium',
    name: 'utm_campaign',
    term: 'utm_term',
    content: 'utm_content',
  };
  const values = MEMBERS.map((m) => params.get(names[m]));
  if (!values.some((v) => v !== null && v !== '')) return null;
  return Object.fromEntries(MEMBERS.map((m, i) => [m, values[i] ?? null]));
}

function labelOf(e: Ev): string {
  if (isPosthog(e.raw)) {
    const n = e.type === 'screen' ? at(e.raw, 'properties', '$screen_name') : e.raw.event;
    return typeof n === 'string' ? n : e.type;
  }
  const name =
    e.type === 'track'
      ? at(e.raw, 'event')
      : e.type === 'page' || e.type === 'screen'
        ? at(e.raw, 'name')
        : undefined;
  return typeof name === 'string' ? name : e.type;
}

function deviceOf(e: Ev, browserOf: (ua: string) => string | null): Obj | null {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const ua = at(e.raw, 'context', 'userAgent');
  if (isPosthog(e.raw)) {
    const d = {
      type: str(at(e.raw, 'properties', '$device_type')),
      os: str(at(e.raw, 'properties', '$os')),
      browser: str(at(e.raw, 'properties', '$browser')),
    };
    return d.type === null && d.os === null && d.browser === null ? null : d;
  }
  const device = {
    type: str(at(e.raw, 'context', 'device', 'type')),
    os: str(at(e.raw, 'context', 'os', 'name')),
    browser: typeof ua === 'string' && ua !== '' ? browserOf(ua) : null,
  };
  return device.type === null && device.os === null && device.browser === null ? null : device;
}

const cutAll = (o: Obj | null) =>
  o === null ? null : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shown(v)]));

const iso = (ms: number) => new Date(ms).toISOString();

export function modelSessions(
  lines: readonly Obj[],
  rules: ModelRules,
  browserOf: (ua: string) => string | null,
): Obj[] {
  const events = lines.map(parseEvent);
  const earliestLink = new Map<string, Ev>();
  if (rules.identityStitching) {
    for (const e of events) {
      if (e.type === 'alias' || e.userId === null || e.anonymousId === null) continue;
      const c = earliestLink.get(e.anonymousId);
      const before =
        c === undefined ||
        e.ms < c.ms ||
        (e.ms === c.ms &&
          (cmp(e.id, c.id) < 0 ||
            (e.id === c.id &&
              (cmp(e.canonical, c.canonical) < 0 ||
                (e.canonical === c.canonical && cmp(e.userId, c.userId as string) < 0)))));
      if (before) earliestLink.set(e.anonymousId, e);
    }
  }
  for (const e of events) {
    e.resolved =
      e.userId ??
      (e.anonymousId !== null ? earliestLink.get(e.anonymousId)?.userId : undefined) ??
      (e.anonymousId as string);
  }
  const kept = new Map<string, Ev>();
  for (const e of events) {
    const key = JSON.stringify([e.resolved, e.id]);
    const c = kept.get(key);
    if (c === undefined || e.ms < c.ms || (e.ms === c.ms && cmp(e.canonical, c.canonical) < 0))
      kept.set(key, e);
  }
  const byUser = new Map<string, Ev[]>();
  for (const e of kept.values())
    byUser.set(e.resolved as string, [...(byUser.get(e.resolved as string) ?? []), e]);
  const toMs = (m: number) => Math.round(m * 60000);
  const out: Obj[] = [];
  for (const user of [...byUser.keys()].sort(cmp)) {
    const list = (byUser.get(user) as Ev[]).sort((a, b) => a.ms - b.ms || cmp(a.id, b.id));
    const runs: Ev[][] = [];
    for (const e of list) {
      const run = runs.at(-1);
      if (run === undefined) {
        runs.push([e]);
        continue;
      }
      const named = e.platform !== null && Object.hasOwn(rules.gapMinutesByPlatform, e.platform);
      const gap = toMs(
        named ? (rules.gapMinutesByPlatform[e.platform as string] as number) : rules.gapMinutes,
      );
      const prev = run.at(-1) as Ev;
      const capped =
        rules.maxSessionMinutes !== undefined && e.ms - (run[0] as Ev).ms > toMs(rules.maxSessionMinutes);
      if (e.ms - prev.ms > gap || capped) runs.push([e]);
      else run.push(e);
    }
    runs.forEach((run, i) => {
      const pages = run.filter((e) => e.type === 'page');
      const entryPage = pages.length === 0 ? null : pageOf((pages[0] as Ev).raw);
      const exitPage = pages.length === 0 ? null : pageOf((pages.at(-1) as Ev).raw);
      const first = run[0] as Ev;
      const last = run.at(-1) as Ev;
      out.push({
        userId: user,
        sessionNumber: i + 1,
        startedAt: iso(first.ms),
        endedAt: iso(last.ms),
        durationSeconds: (last.ms - first.ms) / 1000,
        eventCount: run.length,
        pageViews: run.filter((e) => e.type === 'page' || e.type === 'screen').length,
        bounce: run.length === 1,
        entryPage: cutAll(entryPage),
        exitPage: cutAll(exitPage),
        campaign: cutAll(campaignOfEvents(run, entryPage)),
        anonymousIds: [...new Set(run.flatMap((e) => (e.anonymousId === null ? [] : [e.anonymousId])))]
          .sort(cmp)
          .slice(0, 10),
        device: run.reduce<Obj | null>((found, e) => found ?? deviceOf(e, browserOf), null),
        firstEvent: shown(labelOf(first)),
        lastEvent: shown(labelOf(last)),
      });
    });
  }
  return out;
}
