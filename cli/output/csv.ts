import { escapeControl, escapeControlInJson, hasUnshowable } from '../../contract/visible-text.js';
import type { SessionView } from '../../functions/domain/views/session-view.js';

/** A cell that is JSON text: escaped already, JSON's way, and made visible as JSON (escapeControlInJson). */
interface JsonCell {
  readonly json: string;
}

type Cell = string | number | boolean | JsonCell;

const asJson = (value: unknown): JsonCell => ({ json: escapeControlInJson(JSON.stringify(value)) });

const text = (value: unknown): string | JsonCell =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : asJson(value);

const COLUMNS: ReadonlyArray<readonly [string, (view: SessionView) => Cell]> = [
  ['userId', (view) => view.userId],
  ['sessionNumber', (view) => view.sessionNumber],
  ['sessionId', (view) => view.sessionId],
  ['startedAt', (view) => view.startedAt],
  ['endedAt', (view) => view.endedAt],
  ['durationSeconds', (view) => view.durationSeconds],
  ['eventCount', (view) => view.eventCount],
  ['pageViews', (view) => view.pageViews],
  ['bounce', (view) => view.bounce],
  ['entryPath', (view) => text(view.entryPage?.path)],
  ['entryUrl', (view) => text(view.entryPage?.url)],
  ['exitPath', (view) => text(view.exitPage?.path)],
  ['campaignSource', (view) => text(view.campaign?.source)],
  ['campaignMedium', (view) => text(view.campaign?.medium)],
  ['campaignName', (view) => text(view.campaign?.name)],
  // A JSON array: ids may hold spaces or commas, so no separator would tell `a b`,`c` from `a`,`b c`.
  ['anonymousIds', (view) => (view.anonymousIds.length === 0 ? '' : asJson(view.anonymousIds))],
  ['deviceType', (view) => text(view.device?.type)],
  ['browser', (view) => text(view.device?.browser)],
  ['firstEvent', (view) => view.firstEvent],
  ['lastEvent', (view) => view.lastEvent],
];

/**
 * What a spreadsheet may run as a formula: `=`, `+`, `-` or `@` first, also after leading white space (some
 * trim it) and in full width (a Japanese-locale Excel reads `＝` as `=`); or a leading `'`, guarded too so
 * that the guard stays reversible.
 */
export const GUARDED_START = /^(?:\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|')/;

/** No formula start or `'` first, no quote or comma: with nothing escapeControl changes, a cell needing nothing. */
const NO_FORMULA_QUOTE_OR_COMMA = /^(?!\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|')[^",]*$/;

/**
 * A text cell a spreadsheet would run as a formula (GUARDED_START) gets a leading `'`, as OWASP's
 * CSV-injection advice says, and so does one that starts with `'`; then the usual quoting. Line
 * breaks stay (quoted, as CSV allows); other control characters (ESC, NUL from a UTF-16 file) become visible
 * escapes, since CSV often goes to a terminal.
 */
export function csvCell(value: Cell): string {
  // Numbers and booleans never hold a quote, a comma or a line break.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // JSON text holds no control character and its backslashes are escapes: escaping it again would show a
  // tab in an id as `\\t` and no longer parse back to the id.
  const json = typeof value === 'object';
  if (!json && NO_FORMULA_QUOTE_OR_COMMA.test(value) && !hasUnshowable(value)) return value;
  let cell = json ? value.json : value.split('\n').map(escapeControl).join('\n');
  // A cell that starts with ' gets one too: else `-1` and `'-1` would both be written `'-1`, two ids as one;
  // so one leading ' taken off always gives the value back.
  if (GUARDED_START.test(cell)) cell = `'${cell}`;
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvHeader(): string {
  return `${COLUMNS.map(([name]) => name).join(',')}\n`;
}

export function csvRow(view: SessionView): string {
  return `${COLUMNS.map(([, read]) => csvCell(read(view))).join(',')}\n`;
}
