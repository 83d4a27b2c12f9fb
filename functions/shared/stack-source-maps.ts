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

interface SourcePosition {
  source: string;
  line: number;
  column: number;
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
function originalAt(
  map: TraceMap,
  line: number,
  column: number,
): (SourcePosition & { name: string | null }) | null {
  const found = originalPositionFor(map, { line, column: column - 1 });
  if (found.source === null) return null;
  return {
    source: found.source.replace(/^(\.\.\/)+/, ''),
    line: found.line,
    column: found.column + 1,
    name: found.name,
  };
}

/** Minifying renames functions: their names come back from the map, at the function's start or at its call. */
function originalName(map: TraceMap, sites: readonly CallSite[], index: number): string | null {
  const site = sites[index] as CallSite;
  const line = site.getEnclosingLineNumber?.();
  const column = site.getEnclosingColumnNumber?.();
  const enclosing = line && column ? originalAt(map, line, column) : null;
  if (enclosing?.name) return enclosing.name;
  const caller = sites[index + 1];
  const callerFile = caller?.getFileName();
  const callerLine = caller?.getLineNumber();
  const callerColumn = caller?.getColumnNumber();
  const callerMap = callerFile && callerLine && callerColumn ? mapOf(callerFile) : null;
  return callerMap && callerLine && callerColumn
    ? (originalAt(callerMap, callerLine, callerColumn)?.name ?? null)
    : null;
}

function describeMapped(site: CallSite, position: SourcePosition, name: string | null): string {
  const location = `${position.source}:${position.line}:${position.column}`;
  const functionName = site.getFunctionName() ?? site.getMethodName();
  const typeName = site.isConstructor() ? null : site.getTypeName();
  const runtimeName = `${typeName && typeName !== 'global' ? `${typeName}.` : ''}${functionName ?? '<anonymous>'}`;
  const label = `${site.isAsync() ? 'async ' : ''}${site.isConstructor() ? 'new ' : ''}${name ?? runtimeName}`;
  return site.isToplevel() && functionName === null && name === null ? location : `${label} (${location})`;
}

function describe(sites: readonly CallSite[], index: number): string {
  const site = sites[index] as CallSite;
  try {
    const fileName = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const map = fileName && line && column ? mapOf(fileName) : null;
    const position = map && line && column ? originalAt(map, line, column) : null;
    if (map && position) return describeMapped(site, position, originalName(map, sites, index));
  } catch {
    // A frame that cannot be mapped is shown as the runtime gives it.
  }
  return String(site);
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
  let stack = headline(error);
  for (let index = 0; index < sites.length; index++) stack += `\n    at ${describe(sites, index)}`;
  return stack;
}

Error.prepareStackTrace = formatStack;
