import { REJECTED_PREFIX, type SourceDefinition } from '../../contract/index.js';
import { notAnExportByName } from '../domain/reading/not-exports.js';

/** The source whose prefix the key is under (the longest one, should prefixes ever nest). */
export function sourceOf(key: string, sources: readonly SourceDefinition[]): SourceDefinition | undefined {
  let match: SourceDefinition | undefined;
  for (const source of sources) {
    if (
      key.startsWith(source.prefix) &&
      (match === undefined || source.prefix.length > match.prefix.length)
    ) {
      match = source;
    }
  }
  return match;
}

/** A listed object a replay leaves out, and why. */
export interface SkippedObject {
  readonly key: string;
  readonly reason: string;
}

/**
 * Why an object is not one the ingest reads, or undefined: the ingest's own check, and what a replay skips
 * and names. Reports come first, so a notification misconfigured to cover them can never loop on them.
 */
export function whyNotIngested(
  key: string,
  sources: readonly SourceDefinition[],
  rejectedPrefix = REJECTED_PREFIX,
): string | undefined {
  if (key.startsWith(rejectedPrefix)) return `a rejection report under ${rejectedPrefix}`;
  if (sourceOf(key, sources) === undefined) return 'not under any source prefix';
  const notAnExport = notAnExportByName(key);
  return notAnExport === undefined ? undefined : `${notAnExport}, not an export`;
}
