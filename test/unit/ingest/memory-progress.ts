import type { IngestProgress, IngestProgressStore, ProgressKey } from '../../../functions/ingest/progress.js';

/** Ingest progress kept in memory, as the sessions table keeps it: one item per key. */
export class MemoryProgress implements IngestProgressStore {
  readonly items = new Map<string, IngestProgress>();
  saves = 0;

  async load(object: ProgressKey) {
    return this.items.get(JSON.stringify(object));
  }
  async save(object: ProgressKey, progress: IngestProgress) {
    this.saves++;
    this.items.set(JSON.stringify(object), structuredClone(progress));
    return true;
  }
  async clear(object: ProgressKey) {
    this.items.delete(JSON.stringify(object));
  }
}
