// `npm run replay` (and `npm run dlq`): see its usage in scripts/replay/options.ts, or run it with --help.
import { runReplay } from './replay/command.js';

// The SDK's notice that Node 20 support ends in 2027 would only bury the command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await runReplay(process.argv.slice(2));
