/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles only (lib/config/bundling.ts aliases it
 * here; tests, the local stack and the CLI load the real module).
 *
 * No operation the functions call streams events (S3 SelectObjectContent is the only one in their clients),
 * yet the S3 client imports the module, and the SDK's HTTP protocol imports it again with `await import()`
 * to load it on demand. In a single-file bundle that dynamic import cannot leave anything out: esbuild wraps
 * its target and every module it depends on (180 modules, most of @smithy/core) in lazily run initializers,
 * which V8 parses twice. Without them the ingest function's init takes about 3 ms less CPU. An event-stream
 * operation fails here with an error saying why instead.
 */

function notBundled(): never {
  throw new Error(
    'event streams are left out of the Sessionizer Lambda bundles (functions/shared/no-event-streams.ts)',
  );
}

/** The S3 client's config step: the real one creates the marshaller only event-stream operations use. */
export const resolveEventStreamSerdeConfig = <T>(input: T): T => input;

export const eventStreamSerdeProvider = (): never => notBundled();

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
