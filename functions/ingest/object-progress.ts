// Where the ingest of one object keeps its progress between calls (docs/design.md, "Long files"), and what
// is said when the content that progress was saved on can no longer be read.
import type { ObjectRef } from '../adapters/s3/object-source.js';
import { rulesIdentity } from '../domain/rules/session-rules.js';
import type { IngestConfig } from './config.js';
import type { IngestProgressStore, ProgressKey } from './progress.js';

/**
 * Bumped when records are numbered or named differently: progress saved by older code is then not resumed.
 * 2: ZIP member names unique across the whole export, nested archives included (a later `x.json` is
 * `x.json (2)`); the positions of refused events that progress keeps name their member.
 */
const READING_VERSION = 2;

/** An object's progress: the store that keeps it, and its key there. */
export interface TrackedProgress {
  readonly store: IngestProgressStore;
  readonly key: ProgressKey;
}

/** The progress of the objects one ingest reads, kept in `store` (none: every object is read in one call). */
export function objectProgress(
  store: IngestProgressStore | undefined,
  config: Pick<IngestConfig, 'rules' | 'maxMemberBytes'>,
  logError: (message: string, attributes: Record<string, unknown>) => void,
) {
  /**
   * Where this object's progress is kept, when the handler keeps any: per object content and way of reading
   * it. The content is named by the ETag S3 gave for the bytes read, so a notification, a continuation and a
   * replay (a local one names no version) of the same upload share their progress; a new upload under the key
   * has another ETag and starts over.
   */
  const progressOf = (
    ref: ObjectRef,
    eTag: string | undefined,
    format: string,
  ): TrackedProgress | undefined => {
    const version =
      eTag !== undefined
        ? `etag:${eTag}`
        : ref.versionId !== undefined
          ? `version:${ref.versionId}`
          : undefined;
    if (store === undefined || version === undefined) return undefined;
    return {
      store,
      key: {
        bucket: ref.bucket,
        key: ref.key,
        version,
        // The rules by what they cut (`sameRules`): the same rules written another way resume the progress. A
        // fingerprint with nothing to leave out is its own identity, so progress saved before reads as before.
        reading: `${READING_VERSION}|${format}|${config.maxMemberBytes ?? ''}|${rulesIdentity(config.rules.fingerprint)}`,
      },
    };
  };

  /**
   * Progress an earlier call saved on the content `ref` names, which can no longer be read: that content's
   * events after the progress are not in the store, and only an upload of the same bytes again brings them.
   * True when there was such progress, and it was said.
   */
  const sayWhatIsLost = async (ref: ObjectRef, format: string, why: string): Promise<boolean> => {
    const tracked = ref.eTag === undefined ? undefined : progressOf(ref, ref.eTag, format);
    const lost = await tracked?.store.load(tracked.key);
    if (lost === undefined) return false;
    logError(
      `${why} before its ingest finished: its events after the first merged (and the first chunkStepsDone steps of the chunk after them) cannot be read; upload that content again to ingest them`,
      {
        bucket: ref.bucket,
        key: ref.key,
        versionId: ref.versionId,
        eTag: ref.eTag,
        merged: lost.merged,
        chunkStepsDone: lost.partial?.owners ?? 0,
      },
    );
    return true;
  };

  return { progressOf, sayWhatIsLost };
}
