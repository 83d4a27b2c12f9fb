import { escapeControl, escapeControlOfEscaped } from '../../contract/visible-text.js';
import { NOTHING_TO_READ } from '../../functions/domain/reading/read-export.js';
import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import { LineSpool } from '../line-spool.js';
import { cutCell, displayWidth, padColumns, reasonText } from '../terminal-text.js';
import { type Pause, paced } from './pause.js';
import { describeRun, summarizeRun } from './summary.js';

type Write = (text: string) => void;

/**
 * A sent value as the cell shows it, escaped: a value sent as an object or a number is its JSON text, whose
 * backslashes are escapes already, so only what JSON leaves raw is escaped again (a tab shows as `\t`, never
 * `\\t`).
 */
const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? escapeControl(value)
      : escapeControlOfEscaped(JSON.stringify(value));

/**
 * A member of a `source/medium` cell: {@link text}, with each `/` as `\/`. A backslash in the text is always
 * an escape already (`\\` for one sent, JSON's own in JSON text), so `\/` reads as no other text, and JSON
 * text stays JSON (`\/` is JSON's escape of `/`).
 */
const member = (value: unknown): string => text(value).replaceAll('/', '\\/');

const COLUMNS: ReadonlyArray<{
  name: string;
  width: number;
  numeric?: boolean;
  /** The cell's text, escaped for the terminal. */
  read: (view: SessionView) => string;
}> = [
  { name: 'userId', width: 40, read: (view) => escapeControl(view.userId) },
  { name: '#', width: 6, numeric: true, read: (view) => String(view.sessionNumber) },
  { name: 'startedAt', width: 24, read: (view) => view.startedAt },
  { name: 'endedAt', width: 24, read: (view) => view.endedAt },
  { name: 'events', width: 8, numeric: true, read: (view) => String(view.eventCount) },
  { name: 'seconds', width: 10, numeric: true, read: (view) => String(view.durationSeconds) },
  { name: 'pages', width: 6, numeric: true, read: (view) => String(view.pageViews) },
  {
    name: 'entry',
    width: 30,
    // The path, else the url; a path of "" is no path, as in the html report's entry pages.
    read: (view) => {
      const path = view.entryPage?.path;
      return text(path === '' || path === null ? view.entryPage?.url : path);
    },
  },
  {
    name: 'campaign',
    width: 24,
    // source/medium, the slash kept when one is missing (`google/`, `/cpc`), so that they read apart; a slash
    // inside either is `\/`, so only the one between them is bare (`a\/b/c` and `a/b\/c`).
    read: (view) => {
      const source = member(view.campaign?.source);
      const medium = member(view.campaign?.medium);
      return source === '' && medium === '' ? '' : `${source}/${medium}`;
    },
  },
  { name: 'first', width: 24, read: (view) => escapeControl(view.firstEvent) },
  { name: 'last', width: 24, read: (view) => escapeControl(view.lastEvent) },
];

/** Between the cells of a held row: escaped cells never hold a control character. */
const CELL_BREAK = '\u0000';

/**
 * A readable fixed-width table like the reference analysis prints; long or odd cells are cut and escaped.
 * Column widths need every row first, so rows wait until the end as one line of cut cells each, in a
 * {@link LineSpool} (on disk past a few megabytes), and the widths grow as they come.
 */
export class TableOutput {
  private readonly rows: LineSpool;
  private readonly widths = COLUMNS.map((column) => column.name.length);

  constructor(rows = new LineSpool()) {
    this.rows = rows;
  }

  add(view: SessionView): void {
    const cells = COLUMNS.map((column) => cutCell(column.read(view), column.width));
    for (let i = 0; i < cells.length; i++) {
      const length = displayWidth(cells[i] as string);
      if (length > (this.widths[i] as number)) this.widths[i] = length;
    }
    this.rows.add(cells.join(CELL_BREAK));
  }

  /** Writes the rows, then what was read, waiting whenever the output is full. */
  async end(result: BatchResult, write: Write, pause: Pause = () => undefined): Promise<void> {
    const widths = this.widths;
    const line = (row: readonly string[]) =>
      row
        .map((cell, i) => padColumns(cell, widths[i] ?? 0, COLUMNS[i]?.numeric === true))
        .join('  ')
        .trimEnd();
    if (this.rows.length > 0) {
      write(`${line(COLUMNS.map((column) => column.name))}\n`);
      await paced(this.rows.drain(), pause, (row) => write(`${line(row.split(CELL_BREAK))}\n`));
      write('\n');
    }
    await writeRunSummary(result, write, pause);
  }
}

/** The whole table of `views` at once. */
export function writeTable(result: BatchResult, views: readonly SessionView[], write: Write): Promise<void> {
  const table = new TableOutput();
  for (const view of views) table.add(view);
  return table.end(result, write);
}

/** Line, and the element of a JSON array: a minified export holds every element on line 1. */
function where(rejection: { readonly position: number; readonly index?: number }): string {
  return rejection.index === undefined
    ? `${rejection.position}`
    : `${rejection.position} (element ${rejection.index})`;
}

async function writeRunSummary(result: BatchResult, write: Write, pause: Pause): Promise<void> {
  write(`${describeRun(summarizeRun(result), result.zips)}\n`);
  for (const file of result.files) {
    const name = escapeControl(file.file);
    // A member skipped may still be damaged (its CRC-32 found wrong once the archive was read): say so.
    const problem = file.error === undefined ? '' : `; ${escapeControl(file.error)}`;
    if (file.skipped !== undefined) {
      write(`  ${name}: skipped, ${escapeControl(file.skipped)}${problem}\n`);
      continue;
    }
    const shape = [file.format, file.container, file.compression === 'gzip' ? 'gzip' : undefined]
      .filter(Boolean)
      .join(', ');
    // A file never opened (missing) or whose format no line told has no "read as" to say.
    const readAs = shape === '' ? '' : `read as ${shape}; `;
    // An empty file (or blank lines, or []) is no error, but 0 accepted alone would read as events gone missing.
    const nothing = file.records === 0 && file.error === undefined ? `${NOTHING_TO_READ}; ` : '';
    write(
      `  ${name}: ${readAs}${nothing}${file.accepted.toLocaleString('en')} accepted, ${file.rejected.toLocaleString('en')} rejected${problem}\n`,
    );
  }
  if (result.rejected.length > 0) {
    write('\nRejected events:\n');
    await paced(result.rejected, pause, (rejection) =>
      write(`  ${escapeControl(rejection.file)}:${where(rejection)}: ${reasonText(rejection.reason)}\n`),
    );
  }
}
