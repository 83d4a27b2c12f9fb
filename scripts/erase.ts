// `npm run erase -- --user ID [--stage STAGE]`: see its usage in scripts/erase/options.ts, or run it with --help.
import { runErase } from './erase/command.js';

// The SDK's notice that Node 20 support ends in 2027 would only bury the command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await runErase(process.argv.slice(2));
