import { canonicalJson } from './canonical-json.js';

/** The options of rules 5, 7 and 8, as a stage, the local stack and the CLI configure them. */
export interface SessionRules {
  /** Inactivity gap in minutes; may be fractional (rounded to the millisecond). */
  readonly gapMinutes: number;
  /** Gap per platform (lowercase keys); an event whose platform is named uses its own gap. */
  readonly gapMinutesByPlatform: Readonly<Record<string, number>>;
  /** Length cap: an event more than this after its session's start starts a new one. */
  readonly maxSessionMinutes?: number | undefined;
  readonly identityStitching: boolean;
}

export const DEFAULT_GAP_MINUTES = 30;

/** The reference analysis's rule: 30 minutes, no platform gaps, no cap, no stitching. */
export const DEFAULT_SESSION_RULES: SessionRules = {
  gapMinutes: DEFAULT_GAP_MINUTES,
  gapMinutesByPlatform: {},
  identityStitching: false,
};

/** Minutes as people write them on a command line or in a variable: decimal, optionally fractional or with an exponent. */
const DECIMAL_MINUTES = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a text of minutes names, or undefined when it is not a decimal number. `Number()` alone would also
 * take "" and "  " as 0, "0x10" as 16 and "Infinity", none of which anyone means as a gap.
 */
export function minutesFromText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL_MINUTES.test(trimmed)) return undefined;
  const value = Number(trimmed);
  // A negative decimal too small for a double (-1e-400) reads as -0, which every check takes for a gap of 0:
  // kept negative, it is refused as the negative number it is. A positive one stays 0, as 1e-9 rounds to 0 ms.
  const negativeUnderflow =
    value === 0 && trimmed.startsWith('-') && /[1-9]/.test(trimmed.split(/e/i)[0] ?? '');
  return negativeUnderflow ? -Number.MIN_VALUE : value;
}

/** For a schema's preprocessing: text of decimal minutes as its number; anything else as given, to be refused. */
export function minutesInput(value: unknown): unknown {
  return typeof value === 'string' ? (minutesFromText(value) ?? value) : value;
}

export function minutesToMs(minutes: number): number {
  return Math.round(minutes * 60_000);
}

/** Rules in the form the algorithms use: milliseconds, a platform lookup, the widest gap. */
export interface CompiledRules {
  readonly gapMs: number;
  readonly gapMsByPlatform: ReadonlyMap<string, number>;
  /** The largest gap any event can have: a new event can only join stored events this close to it. */
  readonly maxGapMs: number;
  /** Undefined when sessions are not capped. */
  readonly capMs: number | undefined;
  readonly stitching: boolean;
  /**
   * The rules as recorded (with the table's data, in each head): data cut under one fingerprint must not be
   * merged under another unless {@link sameRules} finds them the same rules.
   */
  readonly fingerprint: string;
  readonly source: SessionRules;
}

export function compileRules(rules: SessionRules): CompiledRules {
  const gapMs = minutesToMs(rules.gapMinutes);
  const gapMsByPlatform = new Map(
    Object.entries(rules.gapMinutesByPlatform).map(([platform, minutes]) => [platform, minutesToMs(minutes)]),
  );
  const capMs = rules.maxSessionMinutes === undefined ? undefined : minutesToMs(rules.maxSessionMinutes);
  const byPlatform = Object.fromEntries(
    [...gapMsByPlatform].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    gapMs,
    gapMsByPlatform,
    maxGapMs: Math.max(gapMs, ...gapMsByPlatform.values()),
    capMs,
    stitching: rules.identityStitching,
    fingerprint: canonicalJson({
      gapMs,
      byPlatform,
      capMs: capMs ?? null,
      stitching: rules.identityStitching,
    }),
    source: rules,
  };
}

/** The rules a fingerprint of {@link compileRules} records; undefined for a text it did not write. */
export function rulesOfFingerprint(fingerprint: string): SessionRules | undefined {
  try {
    const { gapMs, byPlatform, capMs, stitching } = JSON.parse(fingerprint) as {
      gapMs: number;
      byPlatform: Record<string, number>;
      capMs: number | null;
      stitching: boolean;
    };
    const minutes = (ms: number) => ms / 60_000;
    return {
      gapMinutes: minutes(gapMs),
      gapMinutesByPlatform: Object.fromEntries(
        Object.entries(byPlatform).map(([platform, ms]) => [platform, minutes(ms)]),
      ),
      ...(capMs !== null && { maxSessionMinutes: minutes(capMs) }),
      identityStitching: stitching,
    };
  } catch {
    return undefined;
  }
}

/** A fingerprint of {@link compileRules} as read back, each member checked; undefined for any other text. */
function fingerprintFields(
  fingerprint: string,
):
  | { gapMs: number; byPlatform: Record<string, number>; capMs: number | null; stitching: boolean }
  | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fingerprint);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Object.keys(parsed).length !== 4) return undefined;
  const { gapMs, byPlatform, capMs, stitching } = parsed as Record<string, unknown>;
  const isMs = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  if (!isMs(gapMs) || (capMs !== null && !isMs(capMs)) || typeof stitching !== 'boolean') return undefined;
  if (typeof byPlatform !== 'object' || byPlatform === null || Array.isArray(byPlatform)) return undefined;
  if (!Object.values(byPlatform).every(isMs)) return undefined;
  return { gapMs, byPlatform: byPlatform as Record<string, number>, capMs, stitching };
}

/**
 * What a fingerprint's rules cut, in the fingerprint's own form: the rules without what provably changes no
 * session for any input. A platform gap equal to the default gap is the gap that platform takes anyway; and
 * when every gap is 0 a session holds the events of one instant, which no cap (0 or more) splits. Nothing else
 * is left out: a cap that can bind marks its splits as a chain's even where a gap splits too. Platform names
 * need no folding: the options refuse any but lowercase ones, and events are matched lowercased. A
 * fingerprint with nothing to leave out is its own identity, and so is a text compileRules did not write.
 */
export function rulesIdentity(fingerprint: string): string {
  const fields = fingerprintFields(fingerprint);
  if (fields === undefined) return fingerprint;
  const { gapMs, capMs, stitching } = fields;
  const byPlatform = Object.fromEntries(Object.entries(fields.byPlatform).filter(([, ms]) => ms !== gapMs));
  const oneInstant = gapMs === 0 && Object.keys(byPlatform).length === 0;
  return canonicalJson({ gapMs, byPlatform, capMs: oneInstant ? null : capMs, stitching });
}

/**
 * Whether data cut under one fingerprint may be merged under the other: they cut the same sessions from every
 * input. The table and the heads keep the fingerprint they were written with (`{gap 30, ios 30}` and
 * `{gap 30}` both stay as recorded); every comparison goes through here.
 */
export function sameRules(a: string, b: string): boolean {
  return a === b || rulesIdentity(a) === rulesIdentity(b);
}

/** The gap that applies before an event of this platform (rule 7). */
export function gapBefore(rules: CompiledRules, platform: string | null): number {
  if (platform === null || rules.gapMsByPlatform.size === 0) return rules.gapMs;
  return rules.gapMsByPlatform.get(platform) ?? rules.gapMs;
}

/** How rules read to people: `gap 30 min, ios 5 min, cap 1440 min, stitching on`. */
export function describeRules(rules: SessionRules): string {
  const parts = [`gap ${rules.gapMinutes} min`];
  for (const [platform, minutes] of Object.entries(rules.gapMinutesByPlatform)) {
    parts.push(`${platform} ${minutes} min`);
  }
  if (rules.maxSessionMinutes !== undefined) parts.push(`cap ${rules.maxSessionMinutes} min`);
  parts.push(`stitching ${rules.identityStitching ? 'on' : 'off'}`);
  return parts.join(', ');
}
