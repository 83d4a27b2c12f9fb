import { spawnSync } from 'node:child_process';
import type { ILocalBundling } from 'aws-cdk-lib';
import { type LambdaHandlerName, repoRoot } from '../config/bundling.js';

const BUILD_SCRIPT = 'lib/config/build-lambda.ts';

/**
 * Bundles a handler on this machine with the esbuild API and the options of lib/config/bundling.ts, as
 * scripts/bundle-size.ts and the benchmarks do. NodejsFunction's own bundling runs the esbuild CLI with an
 * `--outfile`, which cannot split the code behind dynamic imports into chunks, nor run a plugin.
 */
export class LocalEsbuild implements ILocalBundling {
  /** Also part of the asset's cache key: two handlers never share a bundle. */
  constructor(readonly handler: LambdaHandlerName) {}

  tryBundle(outputDir: string): boolean {
    const built = spawnSync(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, this.handler, outputDir], {
      cwd: repoRoot,
      // esbuild's errors and warnings go to this process's stderr.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (built.error !== undefined) throw built.error;
    if (built.status !== 0) {
      throw new Error(
        `bundling ${this.handler} failed (${BUILD_SCRIPT} exited with ${built.status}; see above)`,
      );
    }
    return true;
  }
}
