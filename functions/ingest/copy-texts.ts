import type { ObjectSource } from '../adapters/s3/object-source.js';
import type { EventSource } from '../domain/events/event.js';
import { readRecordTexts } from '../domain/reading/record-texts.js';
import { canonicalJson } from '../domain/rules/canonical-json.js';
import {
  type CopyTexts,
  CopyTextsNeeded,
  sourceTextKey,
  unreadSources,
} from '../domain/store/copy-choice.js';

/** Canonical JSON of the copies named, by `sourceTextKey`; null for one that cannot be read as it was. */
export type CopyTextReader = (sources: readonly EventSource[]) => Promise<Map<string, string | null>>;

/** The version an ingest records with its events' sources: `v:<versionId>`, else `e:<ETag>`. */
export function contentVersion(versionId: string | undefined, eTag: string | undefined): string | undefined {
  if (versionId !== undefined) return `v:${versionId}`;
  return eTag === undefined ? undefined : `e:${eTag}`;
}

/**
 * Reads copies again from the export objects of `bucket` they were read from, one pass over each file for
 * all of its records asked. A copy whose object is gone, or was replaced (its ETag differs, in a bucket that
 * keeps no versions), has no text: its tie goes by projection (docs/design.md, Known limitations).
 */
export function copyTextReader(objects: ObjectSource, bucket: string): CopyTextReader {
  const open = async (object: string, version: string) => {
    const versionId = version.startsWith('v:') ? version.slice(2) : undefined;
    const opened = await objects.open({ bucket, key: object, ...(versionId !== undefined && { versionId }) });
    if (opened.status === 'gone') return undefined;
    if (versionId === undefined && `e:${opened.eTag ?? ''}` !== version) {
      await opened.bytes[Symbol.asyncIterator]().return?.();
      return undefined;
    }
    return opened.bytes;
  };
  return async (sources) => {
    const byFile = new Map<string, { source: EventSource; records: Set<number> }>();
    for (const source of sources) {
      const key = JSON.stringify([source.object, source.version, source.file]);
      const entry = byFile.get(key);
      if (entry === undefined) byFile.set(key, { source, records: new Set([source.record]) });
      else entry.records.add(source.record);
    }
    const texts = new Map<string, string | null>();
    for (const { source, records } of byFile.values()) {
      const bytes = await open(source.object, source.version);
      const found =
        bytes === undefined
          ? new Map<number, string>()
          : await readRecordTexts(source.object, bytes, source.file, records);
      for (const record of records) {
        const text = found.get(record);
        texts.set(sourceTextKey({ ...source, record }), text === undefined ? null : canonicalOrNull(text));
      }
    }
    return texts;
  };
}

function canonicalOrNull(text: string): string | null {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    // Not the record that was accepted there: the object changed under the same version.
    return null;
  }
}

/**
 * The texts of copies read again during one ingest call, shared by its merges and links: a copy is read only
 * when a tie needs it, and once (one that cannot be read is null).
 */
export class CallCopyTexts {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly read: CopyTextReader) {}

  get texts(): CopyTexts {
    return this.known;
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
