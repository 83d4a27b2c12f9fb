// `npm start` where java is on the PATH but will not start: it says so, in Java's words, naming the variable
// that gave Java its options, instead of asking to install Java.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertJavaAvailable } from '../../../local/java-runtime.js';

const VARIABLES = ['JDK_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'PATH'] as const;

describe('assertJavaAvailable with a Java that will not start', () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  let folder: string | undefined;
  afterEach(() => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it.each(['JDK_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS'])(
    'shows what java said about a bad %s and names it',
    (variable) => {
      for (const name of VARIABLES.slice(0, 3)) delete process.env[name];
      process.env[variable] = '-Xbogus';
      let message = '';
      try {
        assertJavaAvailable();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(
        'Java is installed but failed to start: `java -version` exited with status 1',
      );
      expect(message).toContain(`check ${variable}="-Xbogus", which java reads its options from`);
      expect(message).toContain('Unrecognized option: -Xbogus');
      expect(message).not.toContain('install Java');
    },
  );

  it('shows only the first lines of a long failure, and names no variable when none is set', () => {
    for (const name of VARIABLES.slice(0, 3)) delete process.env[name];
    folder = mkdtempSync(join(tmpdir(), 'sessionizer-java-'));
    const java = join(folder, 'java');
    writeFileSync(java, '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >&2; done\nexit 3\n');
    chmodSync(java, 0o755);
    process.env.PATH = `${folder}${delimiter}${saved.PATH ?? ''}`;

    expect(assertJavaAvailable).toThrow(
      'Java is installed but failed to start: `java -version` exited with status 3. Java said:\n' +
        'line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n(4 more lines)',
    );
  });
});
