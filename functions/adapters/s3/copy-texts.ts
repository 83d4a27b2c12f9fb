import type { EventSource } from '../../domain/events/event.js';
import type { OpenExportOptions } from '../../domain/reading/containers.js';
import { readRecordTexts } from '../../domain/reading/record-texts.js';
import { canonicalJson } from '../../domain/rules/canonical-json.js';
import { sourceTextKey } from '../../domain/store/copy-choice.js';
import type { CopyTextReader } from '../../domain/store/copy-texts.js';
import type { DeniedCopyObject } from './copy-access.js';
import { type ObjectSource, type OpenedObject, releaseBytes } from './object-source.js';

/** The version an ingest records with its events' sources: `v:<versionId>`, else `e:<ETag>`. */
export function contentVersion(versionId: string | undefined, eTag: string | undefined): string | undefined {
  if (versionId !== undefined) return `v:${versionId}`;
  return eTag === undefined ? undefined : `e:${eTag}`;
}

/**
 * Reads copies again from the export objects of `bucket` they were read from, one pass over each file for
 * all of its records asked. A copy whose object is gone, or was replaced (its ETag differs, in a bucket that
 * keeps no versions), has no text: its tie goes by projection (docs/design.md, Known limitations). So has
 * one under a prefix the function may no longer read (a source removed from the stage): S3 answers 403,
 * and failing there would fail every merge of that user, and the rebuild, until the source came back.
 * `limits` are the ingest's (its member limit), so each export opens as it did when its copies were read.
 */
export function copyTextReader(
  objects: ObjectSource,
  bucket: string,
  onDenied: DeniedCopyObject = () => {},
  limits: Pick<OpenExportOptions, 'maxMemberBytes'> = {},
): CopyTextReader {
  const open = async (object: string, version: string) => {
    const versionId = version.startsWith('v:') ? version.slice(2) : undefined;
    let opened: OpenedObject;
    try {
      opened = await objects.open({ bucket, key: object, ...(versionId !== undefined && { versionId }) });
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AccessDenied')) throw error;
      onDenied(object);
      return undefined;
    }
    if (opened.status === 'gone') return undefined;
    if (versionId === undefined && `e:${opened.eTag ?? ''}` !== version) {
      await releaseBytes(opened.bytes);
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
          : await readRecordTexts(source.object, bytes, source.file, records, {
              ...limits,
              // Pinned as the first opening is: an object since replaced gives nothing more.
              reopen: async () => (await open(source.object, source.version)) ?? noBytes(),
            });
      for (const record of records) {
        const text = found.get(record);
        texts.set(sourceTextKey({ ...source, record }), text === undefined ? null : canonicalOrNull(text));
      }
    }
    return texts;
  };
}

async function* noBytes(): AsyncGenerator<Uint8Array> {}

function canonicalOrNull(text: string): string | null {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    // Not the record that was accepted there: the object changed under the same version.
    return null;
  }
}
