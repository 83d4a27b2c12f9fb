import type { ObjectRef, ObjectSource } from '../adapters/s3/object-source.js';
import type { RejectionReport } from './rejection-report.js';
import { rejectionReportKey, replacedContentReportKey } from './report-key.js';

/** The key held other content when the report of what was read was to be written: the message is retried. */
export class ReplacedWhileReadError extends Error {
  constructor(key: string) {
    super(
      `${key} was replaced while it was read: its report is discarded, and the retry reports it beside the new content's`,
    );
    this.name = 'ReplacedWhileReadError';
  }
}

export interface ObjectReportDeps {
  readonly objects: Pick<ObjectSource, 'currentETag'>;
  readonly openReport: (key: string) => RejectionReport;
  readonly rejectedPrefix: string;
  readonly warn: (message: string, attributes: Record<string, unknown>) => void;
}

/**
 * The rejection report of the content of `ref` read as `eTag`. One report per key describes its current
 * content. Content replaced before this ingest (a retried or late message of an earlier upload) has its
 * report beside it instead, so it neither replaces nor deletes the current content's. Content replaced while
 * it is read may have had its own report written under the key already: closing the report would overwrite
 * it, or, with no line to write, delete it; so the key is checked again before closing, and the report of
 * content no longer current is discarded with {@link ReplacedWhileReadError}.
 */
export async function openObjectReport(
  deps: ObjectReportDeps,
  ref: ObjectRef,
  eTag: string | undefined,
): Promise<RejectionReport> {
  const currentETag = deps.objects.currentETag?.bind(deps.objects);
  if (eTag === undefined || currentETag === undefined)
    return deps.openReport(rejectionReportKey(ref.key, deps.rejectedPrefix));
  const replacedBy = async () => {
    const current = await currentETag(ref);
    // A deleted object has no report to keep.
    return current !== undefined && current !== eTag;
  };
  if (await replacedBy()) {
    deps.warn(
      "an earlier upload of the object (a late or replayed message): its rejections are reported beside the current content's",
      {
        key: ref.key,
      },
    );
    return deps.openReport(replacedContentReportKey(ref.key, eTag, deps.rejectedPrefix));
  }
  const report = deps.openReport(rejectionReportKey(ref.key, deps.rejectedPrefix));
  return {
    get key() {
      return report.key;
    },
    get lines() {
      return report.lines;
    },
    write: (line) => report.write(line),
    ready: () => report.ready(),
    close: async () => {
      if (await replacedBy()) throw new ReplacedWhileReadError(ref.key);
      await report.close();
    },
    abort: () => report.abort(),
  };
}
