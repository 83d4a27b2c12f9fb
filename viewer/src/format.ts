// Every time the viewer shows is UTC, like the API: a session means the same instant to everyone looking.

// The viewer and the CLI's HTML report say a duration alike.
import { escapeControl } from '../../contract/visible-text.js';

export { clockSeconds, formatDuration, formatSessionLength } from '../../contract/duration-text.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const NUMBER = new Intl.NumberFormat('en-US');

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Text from the data inside first-strong isolates (U+2068 … U+2069), for where it is joined with the viewer's
 * own words in one string (a title, a message): a right-to-left override in an id stays inside the id and
 * cannot reverse the words after it. Elements holding a value alone are isolated by app.css instead.
 */
export function isolated(text: string): string {
  return `\u2068${bidiBalanced(text)}\u2069`;
}

/**
 * An id (userId, anonymousId, messageId, or a sessionId a link names) as the HTML report shows one: its bidirectional controls and
 * invisible characters as escapes (`\u202e`), so that an override cannot show it reversed nor two ids alike.
 */
export function idText(id: string): string {
  return escapeControl(id);
}

/** {@link idText} for where the id is joined with the viewer's own words in one string (a title, a message). */
export function isolatedId(id: string): string {
  return isolated(idText(id));
}

const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']);
const EMBEDDING_OPENERS = new Set(['\u202a', '\u202b', '\u202d', '\u202e']);

/**
 * The text with its own bidirectional controls balanced, so that it cannot reach past itself: an isolate
 * closer (U+2069) or embedding closer (U+202C) it did not open is left out, since it would close the isolate
 * the viewer (or app.css) puts around the value and let an override reverse the viewer's words after it;
 * isolates and embeddings it leaves open are closed at its end. A value's own override still reverses that
 * value, as sent.
 */
export function bidiBalanced(text: string): string {
  if (!BIDI_CONTROLS.test(text)) return text;
  // Per isolate level (the value itself first), how many embeddings are open in it.
  const embeddings: number[] = [0];
  let balanced = '';
  for (const char of text) {
    if (ISOLATE_OPENERS.has(char)) {
      embeddings.push(0);
    } else if (char === '\u2069') {
      if (embeddings.length === 1) continue;
      embeddings.pop();
    } else if (EMBEDDING_OPENERS.has(char)) {
      embeddings[embeddings.length - 1] = (embeddings.at(-1) as number) + 1;
    } else if (char === '\u202c') {
      if (embeddings.at(-1) === 0) continue;
      embeddings[embeddings.length - 1] = (embeddings.at(-1) as number) - 1;
    }
    balanced += char;
  }
  for (let level = embeddings.length - 1; level >= 0; level--) {
    balanced += '\u202c'.repeat(embeddings[level] as number);
    if (level > 0) balanced += '\u2069';
  }
  return balanced;
}

export function formatCount(value: number): string {
  return NUMBER.format(value);
}

/** `1 session`, `2,000 sessions`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** `2024-01-05 09:03:07` (UTC). */
export function formatDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${formatDate(epochMs)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** `2024-01-05 09:03` (UTC). */
export function formatMinute(epochMs: number): string {
  return formatDateTime(epochMs).slice(0, -3);
}

/** `2024-01-05` (UTC). */
export function formatDate(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** `09:03:07.250` (UTC), for events within one session. */
export function formatTimeOfDay(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
}

/** `+0:00`, `+12:34`, `+1:02:03`: an event's time since its session started, in {@link clockSeconds}' whole seconds. */
export function formatOffset(wholeSeconds: number): string {
  const total = Math.max(0, Math.floor(wholeSeconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `+${hours}:${pad(minutes)}:${pad(seconds)}` : `+${minutes}:${pad(seconds)}`;
}

/** `2024`, `0042`: four digits, as in formatDate (rule 1's years are 0000 to 9999). */
export function yearText(epochMs: number): string {
  return pad(new Date(epochMs).getUTCFullYear(), 4);
}

/** `5 Jan 2024`. */
export function formatDay(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${yearText(epochMs)}`;
}

export function monthName(monthIndex: number): string {
  return MONTHS[monthIndex] ?? '';
}

/**
 * The first of `values` that has text. The API sends page fields and names as given, `""` included
 * (docs/rules.md, rule 9), so an empty one must not hide the next: an empty url before a path, say.
 */
export function firstText(...values: (string | null)[]): string | null {
  return values.find((value) => value !== null && value !== '') ?? null;
}
