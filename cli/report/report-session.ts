import { sentText } from '../../contract/sent-text.js';

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
 * A sent value as the text of a report row, one text per distinct value, as the viewer shows it (`sentText`:
 * `"5"` quoted beside the number `5`). Null and `""` are no value (rule 9 calls `""` empty).
 */
export function reportText(value: unknown): string | null {
  return value === '' ? null : sentText(value);
}
