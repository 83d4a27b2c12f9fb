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
  /** Identifies the rules: data cut under one fingerprint must not be merged under another. */
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
