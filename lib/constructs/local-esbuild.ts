import type { ILocalBundling } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { type LambdaHandlerName, lambdaBuildOptions } from '../config/bundling.js';

/**
 * Bundles a handler on this machine with the esbuild API and the options of lib/config/bundling.ts, as
 * scripts/bundle-size.ts and the benchmarks do. NodejsFunction's own bundling runs the esbuild CLI with an
 * `--outfile`, which cannot split the code behind dynamic imports into chunks.
 */
export class LocalEsbuild implements ILocalBundling {
  /** Also part of the asset's cache key: two handlers never share a bundle. */
  constructor(readonly handler: LambdaHandlerName) {}

  tryBundle(outputDir: string): boolean {
    // Throws with esbuild's errors (after printing them) when the bundle cannot be built.
    buildSync(lambdaBuildOptions(this.handler, outputDir));
    return true;
  }
}
