/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): the functions with the most self time and the most
 * inclusive time, so a throughput miss can be traced to code.
 *
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof bin/sessionize.mjs --format json <file.gz> > /dev/null
 *   npx tsx bench/profile.ts bench/out/prof/<name>.cpuprofile [--top 25] [--callees normalizeEvent]
 *
 * --callees shows where the inclusive time of the matching function(s) goes, by direct callee.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCommandLine } from '../cli/command-line.js';
import { readProblem } from '../cli/directory-files.js';
import { quoted } from '../cli/terminal-text.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { escapeControl } from '../contract/visible-text.js';
import { optionsOrExplained } from '../scripts/command-status.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  let where = url;
  if (url.startsWith('file://')) where = relative(process.cwd(), fileURLToPath(url));
  const name = functionName === '' ? '(anonymous)' : functionName;
  return where === '' ? name : `${name} ${where}:${lineNumber + 1}`;
}

/** Self and inclusive time per function; a function on the stack twice (recursion) counts once. */
export function summarizeProfile(profile: CpuProfile): FunctionTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const times = new Map<string, FunctionTime>();
  const entry = (name: string) => {
    let time = times.get(name);
    if (time === undefined) {
      time = { name, selfMs: 0, totalMs: 0 };
      times.set(name, time);
    }
    return time;
  };
  profile.samples.forEach((id, index) => {
    // A sample's duration is the gap to the next one.
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (leaf === undefined) return;
    entry(label(leaf)).selfMs += ms;
    const seen = new Set<string>();
    for (
      let node: ProfileNode | undefined = leaf;
      node !== undefined;
      node = byId.get(parent.get(node.id) ?? -1)
    ) {
      const name = label(node);
      if (seen.has(name)) continue;
      seen.add(name);
      entry(name).totalMs += ms;
    }
  });
  return [...times.values()];
}

function nodeTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
  });
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusive = new Map<number, number>();
  const visit = (id: number): number => {
    const node = byId.get(id);
    let total = self.get(id) ?? 0;
    for (const child of node?.children ?? []) total += visit(child);
    inclusive.set(id, total);
    return total;
  };
  const root = profile.nodes[0];
  if (root !== undefined) visit(root.id);
  return inclusive;
}

/** Inclusive time of the direct callees of every function whose label contains `needle`, plus its self time. */
export function calleesOf(profile: CpuProfile, needle: string): Array<{ name: string; ms: number }> {
  const inclusive = nodeTimes(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    if (!label(node).includes(needle)) continue;
    let childTotal = 0;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (child === undefined) continue;
      const ms = inclusive.get(childId) ?? 0;
      childTotal += ms;
      totals.set(label(child), (totals.get(label(child)) ?? 0) + ms);
    }
    totals.set('(self)', (totals.get('(self)') ?? 0) + (inclusive.get(node.id) ?? 0) - childTotal);
  }
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

const HELP = 'npx tsx bench/profile.ts';

/** The command line, as the help's first line and an unreadable file's refusal show it. */
const USAGE = `${HELP} <file.cpuprofile> [--top N] [--callees NAME]`;

const HELP_TEXT = `Usage: ${USAGE}

Summarizes a V8 CPU profile (node --cpu-prof): the functions with the most self time and the most inclusive
time.

Options:
  --top N          how many functions each list shows (default 25)
  --callees NAME   where the inclusive time of the functions matching NAME goes, by direct callee
  -h, --help       show this help`;

export interface ProfileOptions {
  readonly file: string;
  readonly top: number;
  readonly callees: string | undefined;
  /** Asked for the help: the other options are not read. */
  readonly help?: true;
}

/** The options `argv` gives; a RangeError says what is wrong with them. */
export function parseProfileOptions(argv: readonly string[]): ProfileOptions {
  const read = readCommandLine({
    args: [...argv],
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      callees: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if ('problem' in read) throw new RangeError(read.problem);
  const { values, positionals } = read;
  if (values.help) return { file: '', top: 0, callees: undefined, help: true };
  const file = positionals[0];
  if (file === undefined) throw new RangeError('no profile file given');
  // Quoted as it is: the usage error escapes the message once, as it prints it.
  return { file, top: wholeNumberOption('top', values.top, 1, quoted), callees: values.callees };
}

/** Whether `value` has the fields the summaries read, as `node --cpu-prof` writes them. */
function isCpuProfile(value: unknown): value is CpuProfile {
  const profile = value as Partial<CpuProfile> | null;
  return (
    typeof profile === 'object' &&
    profile !== null &&
    Array.isArray(profile.nodes) &&
    Array.isArray(profile.samples) &&
    Array.isArray(profile.timeDeltas) &&
    typeof profile.startTime === 'number' &&
    typeof profile.endTime === 'number'
  );
}

/** The profile in `file`; an Error says why there is none. */
function readProfile(file: string): CpuProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${readProblem(error)} (usage: ${USAGE})`);
  }
  let profile: unknown;
  try {
    profile = JSON.parse(text);
  } catch {
    profile = undefined;
  }
  if (!isCpuProfile(profile))
    throw new Error(`${file} is not a V8 CPU profile (as node --cpu-prof writes one)`);
  return profile;
}

function main(): void {
  const options = optionsOrExplained({ name: 'profile', help: HELP, usage: HELP_TEXT }, () =>
    parseProfileOptions(process.argv.slice(2)),
  );
  if (options === undefined) return;
  let profile: CpuProfile;
  try {
    profile = readProfile(options.file);
  } catch (error) {
    // The file's name as typed: a control character in it must not reach the terminal as it is. Status 1, as
    // sessionize's for a file it cannot read: the command line was fine, the file is at fault.
    console.error(`profile: ${escapeControl((error as Error).message)}`);
    process.exitCode = 1;
    return;
  }
  const { top, callees } = options;
  const times = summarizeProfile(profile);
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const print = (title: string, key: 'selfMs' | 'totalMs') => {
    console.log(`\n${title} (profile spans ${wallMs.toFixed(0)} ms)`);
    for (const time of [...times].sort((a, b) => b[key] - a[key]).slice(0, top)) {
      const share = ((time[key] / wallMs) * 100).toFixed(1).padStart(5);
      console.log(`${time[key].toFixed(0).padStart(7)} ms ${share} %  ${time.name}`);
    }
  };
  print('Self time', 'selfMs');
  print('Inclusive time', 'totalMs');
  if (callees !== undefined) {
    console.log(`\nCallees of functions matching ${JSON.stringify(callees)}`);
    for (const { name, ms } of calleesOf(profile, callees).slice(0, top)) {
      console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
    }
  }
}

if (process.argv[1]?.endsWith('profile.ts')) main();
