/**
 * Lines held until the end of a run: a table's rows wait for their column widths, rejected events for the
 * output. The first few megabytes stay in memory; past them the lines go to a temporary file, so a run of
 * millions of sessions or rejections holds none of them. The file is removed by {@link LineSpool.dispose},
 * after a {@link LineSpool.drain}, or when the process exits, whichever comes first.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Held in memory before anything goes to disk: small runs never touch the file system. */
export const IN_MEMORY_CHARS = 4 * 1024 * 1024;
const WRITE_CHARS = 256 * 1024;
const READ_BYTES = 256 * 1024;

/** The spool's file failed after lines went to it (a full disk): the run cannot finish its output. */
export class SpoolError extends Error {
  constructor(dir: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot write to the temporary folder ${dir} (${reason}); set TMPDIR to a folder with room`);
    this.name = 'SpoolError';
  }
}

export interface LineSpoolOptions {
  readonly inMemoryChars?: number;
  /** The temporary folder could not be used at all: the lines stay in memory, and this says why. */
  readonly onSpillRefused?: (reason: string) => void;
}

let warnedOnce = false;
/** One line on stderr a process: the run goes on, holding in memory what would have gone to disk. */
function warnSpillRefused(reason: string): void {
  if (warnedOnce) return;
  warnedOnce = true;
  process.stderr.write(
    `sessionize: cannot use the temporary folder (${reason}); holding the output's rows in memory\n`,
  );
}

export class LineSpool {
  private held: string[] = [];
  private heldChars = 0;
  private count = 0;
  private pending = '';
  private file: { dir: string; fd: number } | undefined;
  /** Set once the temporary folder refused: everything stays in memory from then on. */
  private refused = false;
  private readonly removeOnExit = () => this.dispose();
  private readonly inMemoryChars: number;
  private readonly onSpillRefused: (reason: string) => void;

  constructor({ inMemoryChars = IN_MEMORY_CHARS, onSpillRefused = warnSpillRefused }: LineSpoolOptions = {}) {
    this.inMemoryChars = inMemoryChars;
    this.onSpillRefused = onSpillRefused;
  }

  /** Whether lines have gone to disk. */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  /** Lines added. */
  get length(): number {
    return this.count;
  }

  /** Appends one line; it must not hold a newline. */
  add(line: string): void {
    this.count++;
    this.write(line);
  }

  /** The lines in the order they came; the spool keeps them. */
  *lines(): Generator<string> {
    if (this.file === undefined) {
      yield* this.held;
      return;
    }
    this.writePending();
    yield* readLines(this.file.fd);
  }

  /** The lines in the order they came, once; the spool is empty (and its file gone) after the last. */
  *drain(): Generator<string> {
    try {
      yield* this.lines();
    } finally {
      this.dispose();
    }
  }

  /** Forgets the lines and removes the file, if any; safe to call twice. */
  dispose(): void {
    this.held = [];
    this.heldChars = 0;
    if (this.file === undefined) return;
    const { dir, fd } = this.file;
    this.file = undefined;
    process.off('exit', this.removeOnExit);
    try {
      closeSync(fd);
    } catch {
      // Closed already, as when the file failed under the spool: removing its folder is what is left to do,
      // and an error thrown here, at process exit, would only hide the run's own.
    }
    rmSync(dir, { recursive: true, force: true });
  }

  private write(line: string): void {
    if (this.file === undefined) {
      this.held.push(line);
      this.heldChars += line.length;
      if (this.heldChars > this.inMemoryChars && !this.refused) this.spill();
      return;
    }
    this.pending += `${line}\n`;
    if (this.pending.length >= WRITE_CHARS) this.writePending();
  }

  private spill(): void {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'sessionize-spool-'));
      this.file = { dir, fd: openSync(join(dir, 'lines'), 'w+') };
    } catch (error) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      this.refused = true;
      this.onSpillRefused(error instanceof Error ? error.message : String(error));
      return;
    }
    process.on('exit', this.removeOnExit);
    for (const line of this.held) this.write(line);
    this.held = [];
    this.heldChars = 0;
  }

  private writePending(): void {
    if (this.file === undefined || this.pending === '') return;
    const bytes = Buffer.from(this.pending, 'utf8');
    try {
      // A write may take fewer bytes than asked (a disk filling up): the rest goes again, or fails.
      for (let done = 0; done < bytes.length; ) done += writeSync(this.file.fd, bytes, done);
    } catch (error) {
      throw new SpoolError(this.file.dir, error);
    }
    this.pending = '';
  }
}

/** The file's lines from its start, read a block at a time; the bytes of a character cut by a block wait. */
function* readLines(fd: number): Generator<string> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  let carry = Buffer.alloc(0);
  let position = 0;
  for (;;) {
    const read = readSync(fd, block, 0, block.length, position);
    if (read === 0) break;
    position += read;
    const bytes =
      carry.length === 0 ? block.subarray(0, read) : Buffer.concat([carry, block.subarray(0, read)]);
    let start = 0;
    for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
      yield bytes.toString('utf8', start, newline);
      start = newline + 1;
    }
    carry = Buffer.from(bytes.subarray(start));
  }
}
