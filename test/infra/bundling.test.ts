import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  esbuildOptionsFor,
  lambdaBuildOptions,
  lambdaBundleSettings,
  lambdaHandlers,
  repoRoot,
} from '../../lib/config/bundling.js';
import { NodeFunction } from '../../lib/constructs/node-function.js';
import { measureBundles } from '../../scripts/bundle-size.js';

// Real bundling with the local esbuild: slower than the template tests, but it is what `cdk synth` does.
describe('Lambda bundling', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('bundles offline with the local esbuild, byte for byte what scripts/bundle-size.ts measures', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'sessionizer-cdk-out-'));
    scratch.push(outdir);
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      // Records where each asset was staged, as the CLI asks for.
      context: { 'aws:cdk:enable-asset-metadata': true },
    });
    const stack = new Stack(app, 'BundlingProbe');
    const probe = new NodeFunction(stack, 'Ingest', {
      handler: 'ingest',
      description: 'bundling probe',
      environment: {},
      memorySizeMb: 128,
      timeout: Duration.seconds(3),
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const functionId = stack.getLogicalId(probe.function.node.defaultChild as CfnElement);
    const assetPath = Template.fromStack(stack).toJSON().Resources[functionId].Metadata['aws:asset:path'];
    const assetDir = join(outdir, assetPath);
    const cdkBundle = await readFile(join(assetDir, 'index.mjs'));

    const scriptScratch = await mkdtemp(join(tmpdir(), 'sessionizer-esbuild-'));
    scratch.push(scriptScratch);
    // As deep as CDK's bundling-temp-* directory: the source maps name sources relative to their directory,
    // and the chunks' names hash their maps too.
    const scriptOut = join(scriptScratch, 'probe');
    await build(lambdaBuildOptions('ingest', scriptOut));

    // The same files (the handler, the chunks behind its import()s, a source map each), the code byte for byte.
    const files = (await readdir(assetDir)).sort();
    expect(await readdir(scriptOut).then((names) => names.sort())).toEqual(files);
    expect(files.filter((name) => name.startsWith('chunk-')).length).toBeGreaterThan(0);
    const codeTexts: string[] = [];
    for (const name of files.filter((file) => file.endsWith('.mjs'))) {
      const code = await readFile(join(assetDir, name));
      expect((await readFile(join(scriptOut, name))).equals(code), name).toBe(true);
      expect(code.toString('utf8', 0, 120), name).toContain('createRequire');
      const text = code.toString('utf8');
      expect(text, name).toMatch(new RegExp(`//# sourceMappingURL=${name}\\.map\\s*$`));
      codeTexts.push(text);
    }
    expect(cdkBundle.length).toBeGreaterThan(0);
    // The SDK's schemas of the operations it sends are in, and not those of S3's other operations
    // (lib/config/sdk-schema-keys.ts).
    const code = codeTexts.join('\n');
    expect(code).toContain('/{Key+}?x-id=GetObject');
    expect(code).not.toContain('/?analytics');
    expect(code).not.toContain('/{Key+}?x-id=CopyObject');
    // The stand-ins are in, and not what they replace: the credential links Lambda never reaches
    // (lambda-credentials.ts) and event streams (no-event-streams.ts). Either may sit in a chunk.
    const sources: string[] = [];
    for (const name of files.filter((file) => file.endsWith('.map'))) {
      const map = JSON.parse(await readFile(join(assetDir, name), 'utf8')) as { sources: string[] };
      sources.push(...map.sources);
    }
    for (const standIn of Object.values(lambdaBundleSettings.alias)) {
      expect(sources.some((source) => source.endsWith(standIn.slice(1)))).toBe(true);
    }
    expect(
      sources.filter((source) =>
        /credential-provider-(node|ini|sso)|nested-clients|submodules\/event-streams/.test(source),
      ),
    ).toEqual([]);
  }, 120_000);

  it('names source files and lines in stack traces, without --enable-source-maps', async () => {
    // Inside the repository, as CDK's bundling-temp-* directory is: the maps name sources relative to it.
    const cdkOut = join(repoRoot, 'cdk.out');
    await mkdir(cdkOut, { recursive: true });
    const outdir = await mkdtemp(join(cdkOut, 'stack-probe-'));
    scratch.push(outdir);
    const probe = 'test/infra/fixtures/stack-probe';
    await build(esbuildOptionsFor(`${probe}/entry.ts`, outdir, { splitting: true }));
    expect((await readdir(outdir)).filter((name) => name.startsWith('chunk-')).length).toBeGreaterThan(0);

    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, 'index.mjs')], {
      env: { PATH: process.env.PATH ?? '' },
    });
    const stacks = JSON.parse(stdout) as Record<
      'entry' | 'chunk' | 'node' | 'constructed' | 'awaited' | 'ownToString' | 'captured',
      string
    >;

    const lines = (stack: string) => stack.split('\n');
    expect(lines(stacks.entry).slice(0, 4)).toEqual([
      'RangeError: probe failed: entry',
      // A method keeps its name through the minifier, its class does not.
      expect.stringMatching(new RegExp(`^    at \\w+\\.failHere \\(${probe}/entry\\.ts:4:11\\)$`)),
      `    at run (${probe}/entry.ts:39:38)`,
      // Renamed by the minifier: the name comes back from the map.
      `    at stackOf (${probe}/entry.ts:25:5)`,
    ]);
    // From a chunk, named by its caller in another file.
    expect(lines(stacks.chunk).slice(0, 2)).toEqual([
      'TypeError: chunk failed: chunk',
      `    at failInChunk (${probe}/lazy.ts:3:17)`,
    ]);
    // Node's own errors keep their code in the headline; frames outside the bundle stay as Node gives them.
    expect(lines(stacks.node).slice(0, 3)).toEqual([
      expect.stringMatching(/^RangeError \[ERR_OUT_OF_RANGE\]: The value of "size" is out of range/),
      expect.stringMatching(/^ {4}at Function\.alloc \(node:buffer:\d+:\d+\)$/),
      `    at run (${probe}/entry.ts:41:32)`,
    ]);
    // A constructor and an awaiting function are marked as V8 marks them; where the map names no function at
    // their start or call (as for Node's own mapping), the minified name stays.
    expect(lines(stacks.constructed).slice(0, 2)).toEqual([
      'Error: refused',
      expect.stringMatching(new RegExp(`^    at new \\w+ \\(${probe}/entry\\.ts:10:11\\)$`)),
    ]);
    expect(lines(stacks.awaited).slice(0, 3)).toEqual([
      'Error: later',
      expect.stringMatching(new RegExp(`^    at \\w+ \\(${probe}/entry\\.ts:16:9\\)$`)),
      expect.stringMatching(new RegExp(`^    at async \\w+ \\(${probe}/entry\\.ts:20:3\\)$`)),
    ]);
    // Other headlines as Node writes them: an error's own toString is not asked, nor is a plain object's.
    expect(lines(stacks.ownToString)[0]).toBe('Error: with its own toString');
    expect(lines(stacks.captured)[0]).toBe('Captured: a plain object');
    expect(stdout).not.toContain('.mjs:');
  }, 60_000);

  it('measureBundles reports a size for every handler', async () => {
    const sizes = await measureBundles();
    expect(sizes.map((size) => size.name)).toEqual(Object.keys(lambdaHandlers));
    // More than the banner every bundle starts with: the handler's code is in it.
    for (const { name, bytes, initBytes } of sizes) {
      expect(bytes, name).toBeGreaterThan(Buffer.byteLength(lambdaBundleSettings.banner) + 64);
      // A bundle left whole loads all of itself at init; a split one leaves its lazy chunks out.
      if (lambdaBundleSettings.splitHandlers.includes(name)) expect(initBytes, name).toBeLessThan(bytes);
      else expect(initBytes, name).toBe(bytes);
    }
  }, 120_000);
});
