// npm run viewer:build [-- --api-url URL] [--out DIR]: the viewer as static files for any host.
import { readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCommandLine, usageErrorText } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { apiOrigin, buildViewerAssets, viewerContentSecurityPolicy } from './assets.js';

const USAGE = `Usage: npm run viewer:build -- [--api-url URL] [--out DIR]

Writes the session viewer's static files (default: viewer/dist/; --out names a new or empty folder, or
that of an earlier build, whose files are replaced, relative to the folder you run it from). Without
--api-url the viewer calls the API on the origin that serves it; with it, that API, which must then allow
the viewer's origin (CORS).
Serve the files with this Content-Security-Policy header (index.html carries it too, minus frame-ancestors):
`;

/** A usage error: said alone, then where the help is, and exit status 2, as sessionize says its own. */
function fail(message: string): never {
  process.stderr.write(usageErrorText('viewer:build', message, 'npm run viewer:build --'));
  process.exit(2);
}

/**
 * What keeps `outDir` from being emptied for the build: a file, or a folder holding anything but the files a
 * build writes (`--out .`, or a site's folder, lost everything in it).
 */
function outDirProblem(outDir: string, written: ReadonlySet<string>): string | undefined {
  const found = statSync(outDir, { throwIfNoEntry: false });
  if (found === undefined) return undefined;
  if (!found.isDirectory()) return `--out ${quoted(outDir)} is a file; give a folder`;
  const others = readdirSync(outDir)
    .filter((name) => !written.has(name))
    .sort();
  if (others.length === 0) return undefined;
  // Quoted each: a name may hold ", " itself.
  const names = others.slice(0, 3).map(quoted).join(', ');
  const named = others.length > 3 ? `${names}, ...` : names;
  return `--out ${quoted(outDir)} holds files the viewer does not write (${named}); give a new or empty folder, or the folder of an earlier build, whose files are replaced`;
}

function isApiUrl(apiBaseUrl: string): boolean {
  try {
    apiOrigin(apiBaseUrl);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const line = readCommandLine({
    options: {
      'api-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if ('problem' in line) fail(line.problem);
  const { values } = line;
  const apiBaseUrl = values['api-url'];
  // Checked here, as a usage error naming the option; the build would fail on it with status 1 and no hint.
  if (apiBaseUrl !== undefined && !isApiUrl(apiBaseUrl)) {
    fail(
      `--api-url must be an absolute http(s) URL such as https://api.example.com, not ${quoted(apiBaseUrl)}`,
    );
  }
  if (values.help) {
    process.stdout.write(`${USAGE}  ${viewerContentSecurityPolicy(apiBaseUrl)}\n`);
    return;
  }
  // `npm run` starts in the repository root; a path given on the command line means the caller's folder.
  const outDir =
    values.out === undefined
      ? fileURLToPath(new URL('./dist/', import.meta.url))
      : resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  const assets = await buildViewerAssets(apiBaseUrl === undefined ? {} : { apiBaseUrl });
  const files = new Set([...assets.keys()].filter((path) => path !== '/').map((path) => path.slice(1)));
  const problem = outDirProblem(outDir, files);
  if (problem !== undefined) fail(problem);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const [path, asset] of assets) {
    if (path === '/') continue;
    await writeFile(join(outDir, path), asset.body);
  }
  process.stdout.write(
    `Viewer written to ${outDir}\nServe it with the header:\n  Content-Security-Policy: ${viewerContentSecurityPolicy(apiBaseUrl)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`viewer:build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
