// The Java check `npm start` makes before starting DynamoDB Local (Amazon's Java build): what to install when
// there is no java, and when there is one that will not start, its own words and the options it was given.
import { spawnSync } from 'node:child_process';

// DynamoDB Local 2.3+ (bundled: 3.x) is built for Java 17.
const MIN_JAVA_MAJOR = 17;
export const INSTALL_HINT = 'install Java: apt-get install -y default-jre-headless';
/** The variables every JVM reads its options from: a bad one stops `java -version` as much as any program. */
const JVM_OPTION_VARIABLES = ['JDK_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS'] as const;
/** Enough of Java's own output to show why it stopped ("Unrecognized option: ..."), not a stack trace. */
const OUTPUT_LINES = 6;

let javaChecked = false;

function firstLines(output: string): string {
  const lines = output.trim().split('\n');
  const shown = lines.slice(0, OUTPUT_LINES).join('\n');
  return lines.length > OUTPUT_LINES ? `${shown}\n(${lines.length - OUTPUT_LINES} more lines)` : shown;
}

/** Java ran but stopped: say so, with the option variables set, since a bad one is the usual cause. */
function failedToStart(status: number | null, signal: string | null, output: string): Error {
  const how = status === null ? `was killed by ${signal}` : `exited with status ${status}`;
  const set = JVM_OPTION_VARIABLES.filter((name) => (process.env[name] ?? '') !== '');
  const cause =
    set.length === 0
      ? ''
      : `; check ${set.map((name) => `${name}=${JSON.stringify(process.env[name])}`).join(' and ')}, which java reads its options from`;
  return new Error(
    `Java is installed but failed to start: \`java -version\` ${how}${cause}. Java said:\n${firstLines(output)}`,
  );
}

/** Throws, saying what to install or why Java would not start, unless a Java runtime DynamoDB Local can run on is on the PATH. */
export function assertJavaAvailable(): void {
  if (javaChecked) {
    return;
  }
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(
      `DynamoDB Local needs a Java runtime (>= ${MIN_JAVA_MAJOR}) but \`java -version\` failed` +
        ` (${code ?? result.error.message}); ${INSTALL_HINT}`,
    );
  }
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15"` or `java version "1.8.0_392"`.
  const output = `${result.stderr}${result.stdout}`;
  if (result.status !== 0) throw failedToStart(result.status, result.signal, output);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : Number.NaN;
  if (Number.isNaN(major)) {
    throw new Error(
      `\`java -version\` did not report a usable Java runtime; ${INSTALL_HINT}\n${firstLines(output)}`,
    );
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new Error(
      `DynamoDB Local needs Java >= ${MIN_JAVA_MAJOR} but found Java ${major}; ${INSTALL_HINT}\n${output.trim()}`,
    );
  }
  javaChecked = true;
}
