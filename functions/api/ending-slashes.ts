// A path's ending slashes as a client may send them: `/`, or `%2F` where paths arrive encoded, which behind API
// Gateway arrives as `/`. The near misses read paths so (near-misses.ts).

/**
 * How long the slash ending `path` at `end` is: `/`, or `%2F` where paths arrive encoded (a client encoding
 * an id with the slash after it), which behind API Gateway arrives as `/`; 0 for none.
 */
function slashEndingAt(path: string, end: number, pathsDecoded: boolean): number {
  if (path[end - 1] === '/') return 1;
  return !pathsDecoded && end >= 3 && path.slice(end - 3, end).toUpperCase() === '%2F' ? 3 : 0;
}

/** The path without its trailing slashes; a loop, where `/\/+$/` backtracks through every run of slashes (quadratic). */
export function withoutTrailingSlashes(path: string, pathsDecoded: boolean): string {
  let end = path.length;
  let slash = slashEndingAt(path, end, pathsDecoded);
  while (slash > 0) {
    end -= slash;
    slash = slashEndingAt(path, end, pathsDecoded);
  }
  return path.slice(0, end);
}

/**
 * `rest` with the percent-encoded slashes that end it written `/`, as API Gateway hands such a path on: read so,
 * a route's tail (`/sessions%2F`, `/sessions/{sessionId}%2F`) gets the answer it gets behind API Gateway.
 */
export function endingSlashesDecoded(rest: string, pathsDecoded: boolean): string {
  const kept = withoutTrailingSlashes(rest, pathsDecoded);
  // What follows `kept` is slashes alone, each `/` or `%2F`.
  return `${kept}${rest.slice(kept.length).replace(/%2F/gi, '/')}`;
}
