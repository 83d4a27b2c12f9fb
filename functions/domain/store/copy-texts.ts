import type { EventSource } from '../events/event.js';
import { type CopyTexts, CopyTextsNeeded, sourceTextKey, unreadSources } from './copy-choice.js';
import type { CopyTextSource } from './ports.js';

/** Canonical JSON of the copies named, by `sourceTextKey`; null for one that cannot be read as it was. */
export type CopyTextReader = (sources: readonly EventSource[]) => Promise<Map<string, string | null>>;

/**
 * The texts of copies read again during one ingest call (or one user's rebuild), shared by its merges and
 * links: a copy is read only when a tie needs it, and once (one that cannot be read is null).
 */
export class CallCopyTexts implements CopyTextSource {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly read: CopyTextReader) {}

  get texts(): CopyTexts {
    return this.known;
  }

  /** Drops the texts read so far: those a later tie needs are read again. */
  forget(): void {
    this.known.clear();
  }

  /** Reads the copies named whose texts are not known yet, one pass over each file. */
  async readMissing(sources: readonly EventSource[]): Promise<void> {
    const missing = unreadSources(sources, this.known);
    if (missing.length === 0) return;
    const texts = await this.read(missing);
    for (const source of missing) {
      const key = sourceTextKey(source);
      this.known.set(key, texts.get(key) ?? null);
    }
  }

  /**
   * Runs `attempt` with the texts known; when a tie needs more (it throws {@link CopyTextsNeeded} having
   * written nothing), reads them and runs it again. Each round knows more texts, so it ends.
   */
  async withTexts<T>(attempt: (texts: CopyTexts) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await attempt(this.known);
      } catch (error) {
        if (!(error instanceof CopyTextsNeeded)) throw error;
        const known = this.known.size;
        await this.readMissing(error.sources);
        if (this.known.size === known) throw error;
      }
    }
  }
}
