// `node --import tsx lib/config/build-lambda.ts <handler> <outdir>`: builds one handler's bundle with the
// options of bundling.ts. LocalEsbuild runs it in a child process, since CDK's local bundling is synchronous
// and esbuild's buildSync takes no plugins.
import { build } from 'esbuild';
import { type LambdaHandlerName, lambdaBuildOptions, lambdaHandlers } from './bundling.js';

const [handler, outdir] = process.argv.slice(2);
if (handler === undefined || outdir === undefined || !Object.hasOwn(lambdaHandlers, handler)) {
  console.error(`Usage: build-lambda.ts <${Object.keys(lambdaHandlers).join('|')}> <outdir>`);
  process.exit(2);
}
// Rejects with esbuild's errors (after esbuild printed them) when the bundle cannot be built.
await build(lambdaBuildOptions(handler as LambdaHandlerName, outdir));
