/**
 * What the report reads of a session: a subset of the session JSON the CLI prints and the lookup API returns
 * (rules 5 and 9), so any full session view can be passed as is. Page fields and campaign members are JSON
 * values as sent (rule 9): usually strings, but any other value is shown as its JSON text.
 */
export interface ReportSession {
  readonly userId: string;
  readonly sessionId: string;
  readonly sessionNumber: number;
  /** ISO-8601 UTC with milliseconds, e.g. `2024-01-02T08:30:00.000Z`. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly eventCount: number;
  readonly pageViews: number;
  readonly bounce: boolean;
  readonly entryPage: { readonly url: unknown; readonly path: unknown } | null;
  readonly campaign: { readonly source: unknown } | null;
  /** The session's anonymousIds (rule 9): says whose sessions hold a sample id that has none of its own. */
  readonly anonymousIds?: readonly string[];
}

/**
 * A sent value as the text of a report row, one text per distinct value: a string as is, any other value as
 * its JSON, and a string that would read as another row quoted as JSON: one that white space starts or ends
 * (`" "`, `"google "`) and one that is itself JSON text (`"5"` beside the number `5`). Null and `""` are no
 * value (rule 9 calls `""` empty).
 */
export function reportText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') return JSON.stringify(value);
  return value.trim() !== value || isJsonText(value) ? JSON.stringify(value) : value;
}

/** Every JSON text starts with one of these once trimmed (and a row's text is trimmed here). */
const JSON_TEXT_START = /^[-0-9"{[tfn]/;

function isJsonText(text: string): boolean {
  if (!JSON_TEXT_START.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
