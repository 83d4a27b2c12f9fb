/**
 * Files that land beside exports and hold no events (the ingest skips such objects, the CLI such files in a
 * folder it walks), each with what it is.
 */
const NOT_EXPORTS: readonly [RegExp, string][] = [
  [/\/$/, 'a folder marker'],
  [/(^|\/)manifest\.json$/i, 'an export manifest'],
  [/\.parquet$/i, 'a Parquet file (only JSON exports are read)'],
  [/(^|\/)_SUCCESS$/, 'a job completion marker'],
  [/(^|\/)\.keep$/, 'a placeholder'],
  [/(^|\/)\.DS_Store$/, 'a Finder file'],
  // What macOS writes beside each file on a drive that keeps no resource forks (`._events.ndjson`).
  [/(^|\/)\._[^/]*$/, 'a macOS resource fork (AppleDouble)'],
];

/** Why a file or object is, by its name (a key or a `/`-separated path), not an export at all. */
export function notAnExportByName(name: string): string | undefined {
  for (const [pattern, what] of NOT_EXPORTS) if (pattern.test(name)) return what;
  return undefined;
}
