// Which objects (key and ETag) were ingested for good, so that a start can tell the objects a crash or
// a stop left un-ingested: uploaded while the stack was down, or whose notification was lost between
// S3 and the queue. Append-only NDJSON; ingest is idempotent, so the only cost of a missing line is
// doing that object again.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const unquote = (eTag: string) => eTag.replace(/^"|"$/g, '');

export class IngestLedger {
  private readonly done = new Map<string, Set<string>>();

  constructor(private readonly path: string) {
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as { key?: unknown; eTag?: unknown };
        if (typeof entry.key === 'string' && typeof entry.eTag === 'string') {
          this.remember(entry.key, entry.eTag);
        }
      } catch {
        // A line torn by a crash mid-write: that object is simply ingested again.
      }
    }
  }

  isDone(key: string, eTag: string): boolean {
    return this.done.get(key)?.has(unquote(eTag)) ?? false;
  }

  record(key: string, eTag: string): void {
    if (this.isDone(key, eTag)) return;
    this.remember(key, eTag);
    appendFileSync(
      this.path,
      `${JSON.stringify({ key, eTag: unquote(eTag), at: new Date().toISOString() })}\n`,
    );
  }

  private remember(key: string, eTag: string): void {
    let eTags = this.done.get(key);
    if (eTags === undefined) {
      eTags = new Set();
      this.done.set(key, eTags);
    }
    eTags.add(unquote(eTag));
  }
}
