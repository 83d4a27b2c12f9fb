import { readFileSync } from 'node:fs';

/**
 * Node decodes its arguments as UTF-8, each byte that is not UTF-8 becoming U+FFFD, so a file whose name is
 * not UTF-8 (Latin-1 from an old archive, which a directory walk opens by its bytes) could not be named on the
 * command line, not even by a shell glob: it was "no such file". Linux keeps the arguments as given in
 * /proc/self/cmdline, each ended by a NUL, the script's own last.
 *
 * The path to open each of `names` (input names, in the order given among `args`, Node's decoding of the
 * script's arguments) by: the bytes it was given as when they are not UTF-8, else the name itself. Names are
 * kept where the system has no such file, or its last arguments are not these (a changed process title).
 */
export function inputPaths(
  args: readonly string[],
  names: readonly string[],
  cmdline: () => Buffer = () => readFileSync('/proc/self/cmdline'),
): (string | Buffer)[] {
  const paths: (string | Buffer)[] = [...names];
  if (!names.some((name) => name.includes('\ufffd'))) return paths;
  const given = lastArguments(cmdline, args.length);
  if (given === undefined || given.some((arg, at) => arg.toString('utf8') !== args[at])) return paths;
  // Two names that decode alike (`café` and `cafè` in Latin-1, from one glob) are told apart by their order.
  const bytesOf = new Map<string, Buffer[]>();
  given.forEach((arg, at) => {
    const text = args[at] as string;
    if (!Buffer.from(text).equals(arg)) bytesOf.set(text, [...(bytesOf.get(text) ?? []), arg]);
  });
  const taken = new Map<string, number>();
  names.forEach((name, at) => {
    const bytes = bytesOf.get(name);
    if (bytes === undefined) return;
    const count = names.filter((other) => other === name).length;
    // An option's value that decodes like a name too leaves which bytes are which unknown, unless alike.
    if (bytes.length !== count && !bytes.every((arg) => arg.equals(bytes[0] as Buffer))) return;
    const next = taken.get(name) ?? 0;
    taken.set(name, next + 1);
    paths[at] = bytes[Math.min(next, bytes.length - 1)] as Buffer;
  });
  return paths;
}

/** The last `count` arguments the system keeps for this process, or undefined without them. */
function lastArguments(cmdline: () => Buffer, count: number): Buffer[] | undefined {
  let raw: Buffer;
  try {
    raw = cmdline();
  } catch {
    return undefined;
  }
  const all: Buffer[] = [];
  for (let start = 0; start < raw.length; ) {
    const end = raw.indexOf(0, start);
    all.push(Buffer.from(raw.subarray(start, end === -1 ? raw.length : end)));
    start = end === -1 ? raw.length : end + 1;
  }
  return all.length < count ? undefined : all.slice(all.length - count);
}
