/**
 * The zod of the Lambda functions: `zod/mini`, the same package's functional API. Its schemas carry only the
 * checks a function names, so esbuild keeps only those; classic zod's chainable classes bring every check
 * into each bundle, which cost every function about 60 KB of bundle and 8-10 ms of CPU at cold start. Code
 * outside functions/ (CLI, CDK stages, local stack) keeps classic zod, whose schemas accept these as members.
 *
 * zod/mini loads no locale and says only "Invalid input"; English is loaded here, once for every function,
 * so a configuration error reads as it does with classic zod ("Unrecognized key", "Too small: ...").
 */

import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
