// Which process listens on a TCP port, so a start refused for a taken port can say what to stop. Linux
// only (the listening socket's inode from /proc/net/tcp{,6}, then the process holding it); elsewhere, or
// for another user's process, it finds nothing and the message says how to look.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { procStat } from './process-utils.js';

export interface PortHolder {
  pid: number;
  /** Its command line, arguments separated by spaces. */
  command: string;
  /** The process that started it, while that still runs it (an orphan's parent is init: undefined). */
  parent?: PortHolder;
}

/** Inodes of the sockets listening on `port`, on any address, IPv4 or IPv6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      // 0A: LISTEN.
      if (localPort === port && fields[3] === '0A' && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** The process holding a socket listening on `port`, when this user may see it; undefined otherwise. */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const sockets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      // Another user's process, or gone.
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    return processInfo(pid);
  }
  return undefined;
}

/** The command line of `pid` and its parent's, when that is a Node process (the stack, a rebuild, a test). */
function processInfo(pid: number, withParent = true): PortHolder {
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // Gone meanwhile, or not ours to read: the pid still says what to stop.
  }
  if (!withParent) return { pid, command };
  const parentPid = procStat(pid)?.parentPid;
  const parent = parentPid === undefined || parentPid <= 1 ? undefined : processInfo(parentPid, false);
  const nodeParent = parent !== undefined && /^(\S*\/)?node(\s|$)/.test(parent.command);
  return nodeParent ? { pid, command, parent } : { pid, command };
}

/** Longer command lines (a JVM's classpath) are cut: the pid is what to act on. */
const shortCommand = (command: string) => (command.length > 100 ? `${command.slice(0, 97)}...` : command);

/** A server the stack starts, known by its command line, with what tells one run's from another's. */
function knownServer(command: string): string | undefined {
  if (/DynamoDBLocal\.jar/.test(command)) {
    const dbPath = /-dbPath (\S+)/.exec(command)?.[1];
    return `a DynamoDB Local (${dbPath === undefined ? 'in memory' : `its database in ${dbPath}`})`;
  }
  if (/s3rver-process/.test(command)) return 'an s3rver';
  return undefined;
}

const isStack = (command: string) => /local\/main\.ts/.test(command);

/**
 * What holds `port` and how to stop it, for a message: `it is held by pid 123, a DynamoDB Local (...),
 * probably left running by an earlier run: stop it with \`kill 123\``. A server a running Node process
 * started is that one's to stop. Nothing is stopped here: it may be someone's work.
 */
export function describePortHolder(port: number, holder = findPortHolder(port)): string {
  if (holder === undefined) {
    return `see what holds it with \`lsof -nP -iTCP:${port} -sTCP:LISTEN\` (or \`ss -ltnp\`) and stop it`;
  }
  const { pid, command, parent } = holder;
  const stop = (owner: PortHolder) =>
    isStack(owner.command)
      ? `another \`npm start\` (pid ${owner.pid}): stop it with Ctrl-C in its terminal or \`kill ${owner.pid}\``
      : `pid ${owner.pid} (${shortCommand(owner.command)}): stop it if it may go (\`kill ${owner.pid}\`)`;
  const known = knownServer(command);
  if (known === undefined) {
    return `it is held by ${stop(holder)}`;
  }
  if (parent !== undefined) return `it is held by pid ${pid}, ${known} run by ${stop(parent)}`;
  return (
    `it is held by pid ${pid}, ${known}, probably left running by an earlier \`npm start\` or test run: ` +
    `stop it with \`kill ${pid}\``
  );
}
