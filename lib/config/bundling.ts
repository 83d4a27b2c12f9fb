// Single source of truth for how Lambda handlers are bundled: the CDK construct and
// scripts/bundle-size.ts both build with esbuildOptionsFor below. Kept free of
// aws-cdk-lib imports so the size script stays fast to load.
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { literalSchemaKeys } from './sdk-schema-keys.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Must match the Lambda runtime chosen in lib/constructs/node-function.ts (a test checks it). */
export const lambdaNodeMajorVersion = 24;

export const lambdaHandlers = {
  ingest: 'functions/ingest/handler.ts',
  api: 'functions/api/handler.ts',
  rebuild: 'functions/rebuild/handler.ts',
  admin: 'functions/admin/handler.ts',
} as const;

export type LambdaHandlerName = keyof typeof lambdaHandlers;

export const lambdaBundleSettings = {
  format: 'esm',
  target: `node${lambdaNodeMajorVersion}`,
  minify: true,
  sourceMap: true,
  // Stack traces only need line mappings; embedding sources would roughly double the artifact.
  sourcesContent: false,
  // Prefer ESM entry points so esbuild can tree-shake the AWS SDK v3 packages.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require(), which ESM output lacks.
  banner:
    "import { createRequire as __sessionizerCreateRequire } from 'node:module'; const require = __sessionizerCreateRequire(import.meta.url);",
  // Maps stack traces through the bundle's source maps when one is formatted, where Node's
  // --enable-source-maps would read every map at each cold start (see the module).
  inject: ['./functions/shared/stack-source-maps.ts'] as readonly string[],
  // Bundle everything, AWS SDK included: pins the SDK version we test against instead of the runtime's copy.
  externalModules: [] as readonly string[],
  // Modules replaced in the bundles only (paths relative to the repo root), each by a stand-in that says why:
  // Lambda gives credentials in the environment, so the SDK's default chain needs only its first link there;
  // no operation the functions call streams events.
  alias: {
    '@aws-sdk/credential-provider-node': './functions/shared/lambda-credentials.ts',
    '@smithy/core/event-streams': './functions/shared/no-event-streams.ts',
  } as Readonly<Record<string, string>>,
  /**
   * Bundles split at their dynamic imports: the code behind an `import()` (the ingest's ZIP reader and the SQS
   * client of its continuations, the rebuild's S3 client and export reader) goes to chunks Node compiles only
   * when the import runs, where in one file V8 parsed all of it at every cold start.
   * Only where that pays: the code the entry shares with those chunks goes to chunks of its own, each another
   * module to load, and the other functions' only `import()` is of SDK code esbuild leaves out anyway, so
   * splitting them made their init a few ms slower.
   */
  splitHandlers: ['ingest', 'rebuild'] as readonly LambdaHandlerName[],
} as const;

/** The esbuild API options the bundle of `handler` is built with, by the CDK construct and the size script. */
export function lambdaBuildOptions(handler: LambdaHandlerName, outdir: string): BuildOptions {
  return esbuildOptionsFor(lambdaHandlers[handler], outdir, {
    splitting: lambdaBundleSettings.splitHandlers.includes(handler),
  });
}

/**
 * The esbuild API options of a Lambda bundle: the entry goes to `<outdir>/index.mjs`, with `splitting` its
 * chunks beside it, each file with its source map.
 */
export function esbuildOptionsFor(
  entryPoint: string,
  outdir: string,
  { splitting }: { splitting: boolean },
): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: [entryPoint],
    outdir,
    splitting,
    entryNames: 'index',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: lambdaBundleSettings.format,
    target: lambdaBundleSettings.target,
    minify: lambdaBundleSettings.minify,
    sourcemap: lambdaBundleSettings.sourceMap,
    sourcesContent: lambdaBundleSettings.sourcesContent,
    mainFields: [...lambdaBundleSettings.mainFields],
    banner: { js: lambdaBundleSettings.banner },
    inject: [...lambdaBundleSettings.inject],
    external: [...lambdaBundleSettings.externalModules],
    alias: { ...lambdaBundleSettings.alias },
    // The SDK's schemas of operations never sent are left out (see the module).
    plugins: [literalSchemaKeys],
    logLevel: 'warning',
  };
}
