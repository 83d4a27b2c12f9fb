/**
 * Stack traces of the Lambda bundles in source positions (`functions/ingest/handler.ts:41:7`), each bundle
 * file's source map read only when a stack that passes through it is formatted. Node's own
 * `--enable-source-maps` reads and indexes the map of every file it loads, at every cold start, for traces
 * only errors need: 12-22 ms of each function's init (BENCHMARKS.md). The first stack through a file decodes
 * its whole map, as Node's first mapped stack does (tens of ms and about 10 MB for the ingest's index.mjs); the
 * later ones look positions up in it. esbuild injects this module into every Lambda bundle
 * (lib/config/bundling.ts); nothing imports it.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

type CallSite = NodeJS.CallSite & {
  getEnclosingLineNumber?: () => number | null;
  getEnclosingColumnNumber?: () => number | null;
};

/** A position in the sources, with the name the map gives the code there (a renamed identifier's). */
interface SourcePosition {
  source: string;
  line: number;
  column: number;
  name: string | null;
}

/** A frame in a mapped bundle file: its file's map, and where the frame is in the sources. */
interface MappedFrame {
  map: TraceMap;
  at: SourcePosition;
}

/** The files mapped: this bundle's own (index.mjs and its chunks), beside their `.map` files. */
const bundleDir = dirname(fileURLToPath(import.meta.url));
const maps = new Map<string, TraceMap | null>();

function mapOf(fileName: string): TraceMap | null {
  let map = maps.get(fileName);
  if (map !== undefined) return map;
  map = null;
  try {
    const path = fileName.startsWith('file:') ? fileURLToPath(fileName) : fileName;
    if (dirname(path) === bundleDir) map = new TraceMap(readFileSync(`${path}.map`, 'utf8'));
  } catch {
    // No map, or one that does not parse: the frame is shown as the runtime gives it.
  }
  maps.set(fileName, map);
  return map;
}

/**
 * `line` and `column` as V8 gives them (1-based); sources as the repository names them: the map's paths
 * are relative to the build's output folder, whose depth differs between `cdk synth` and a local build.
 */
function originalAt(map: TraceMap, line: number, column: number): SourcePosition | null {
  const found = originalPositionFor(map, { line, column: column - 1 });
  if (found.source === null) return null;
  return {
    source: found.source.replace(/^(\.\.\/)+/, ''),
    line: found.line,
    column: found.column + 1,
    name: found.name,
  };
}

/** Where `site` is in the sources, when it is in a file of this bundle that the map covers there. */
function mappedFrame(site: CallSite): MappedFrame | null {
  try {
    const fileName = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!fileName || !line || !column) return null;
    const map = mapOf(fileName);
    const at = map === null ? null : originalAt(map, line, column);
    return map !== null && at !== null ? { map, at } : null;
  } catch {
    // A frame that cannot be mapped is shown as the runtime gives it (describe).
    return null;
  }
}

/**
 * Minifying renames functions: their names come back from the map, at the function's start or else at its
 * call in the caller's frame.
 */
function originalName(site: CallSite, frame: MappedFrame, caller: MappedFrame | null): string | null {
  const line = site.getEnclosingLineNumber?.();
  const column = site.getEnclosingColumnNumber?.();
  const enclosing = line && column ? originalAt(frame.map, line, column) : null;
  return enclosing?.name || (caller?.at.name ?? null);
}

function describe(site: CallSite, frame: MappedFrame | null, caller: MappedFrame | null): string {
  if (frame === null) return String(site);
  try {
    const { at } = frame;
    const name = originalName(site, frame, caller);
    const location = `${at.source}:${at.line}:${at.column}`;
    const functionName = site.getFunctionName() ?? site.getMethodName();
    const typeName = site.isConstructor() ? null : site.getTypeName();
    const runtimeName = `${typeName && typeName !== 'global' ? `${typeName}.` : ''}${functionName ?? '<anonymous>'}`;
    const label = `${site.isAsync() ? 'async ' : ''}${site.isConstructor() ? 'new ' : ''}${name ?? runtimeName}`;
    return site.isToplevel() && functionName === null && name === null ? location : `${label} (${location})`;
  } catch {
    return String(site);
  }
}

/**
 * The headline Node writes: `Name: message` by Error.prototype.toString, whatever the error's own `toString`
 * says, except that Node's own errors add their code (`RangeError [ERR_OUT_OF_RANGE]: …`) through theirs.
 */
function headline(error: unknown): string {
  try {
    const { code, toString: ownToString } = error as { code?: unknown; toString?: unknown };
    const nodeError =
      typeof code === 'string' && code.startsWith('ERR_') && ownToString !== Error.prototype.toString;
    return nodeError ? String(error) : Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

function formatStack(error: unknown, sites: readonly CallSite[]): string {
  // Each frame is looked up once: its position names the frame, and the function of the frame it called.
  const frames = sites.map(mappedFrame);
  let stack = headline(error);
  for (let index = 0; index < sites.length; index++) {
    const site = sites[index] as CallSite;
    stack += `\n    at ${describe(site, frames[index] ?? null, frames[index + 1] ?? null)}`;
  }
  return stack;
}

Error.prepareStackTrace = formatStack;
