// Which process listens on a TCP port, so a start refused for a taken port can say what to stop. Linux
// only (the listening socket's inode from /proc/net/tcp{,6}, then the process holding it); elsewhere, or
// for another user's process, it finds nothing and the message says how to look.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** Its command line, arguments separated by spaces. */
  command: string;
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
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return { pid, command };
    } catch {
      return { pid, command: '' };
    }
  }
  return undefined;
}

/** Longer command lines (a JVM's classpath) are cut: the pid is what to act on. */
const shortCommand = (command: string) => (command.length > 100 ? `${command.slice(0, 97)}...` : command);

/** A server the stack starts, known by its command line, with what tells one run's from another's. */
function knownServer(command: string): string | undefined {
  if (/DynamoDBLocal\.jar/.test(command)) {
    const dbPath = /-dbPath (\S+)/.exec(command)?.[1];
    const data = dbPath === undefined ? 'in memory' : `its database in ${dbPath}`;
    return `a DynamoDB Local (${data}), probably left running by an earlier \`npm start\` or test run`;
  }
  if (/local\/main\.ts/.test(command)) return `another \`npm start\` (${shortCommand(command)})`;
  if (/s3rver-process/.test(command)) {
    return 'an s3rver, probably left running by an earlier `npm start` or test run';
  }
  return undefined;
}

/**
 * What holds `port` and how to stop it, for a message: `it is held by pid 123, a DynamoDB Local (...),
 * probably left running by an earlier run: stop it with \`kill 123\``. Nothing is stopped here: it may be
 * someone's work.
 */
export function describePortHolder(port: number, holder = findPortHolder(port)): string {
  if (holder === undefined) {
    return `see what holds it with \`lsof -nP -iTCP:${port} -sTCP:LISTEN\` (or \`ss -ltnp\`) and stop it`;
  }
  const { pid, command } = holder;
  const known = knownServer(command);
  return known === undefined
    ? `it is held by pid ${pid} (${shortCommand(command)}): stop it if it may go (\`kill ${pid}\`)`
    : `it is held by pid ${pid}, ${known}: stop it with \`kill ${pid}\``;
}
