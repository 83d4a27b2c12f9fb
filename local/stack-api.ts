// The lookup API of the local stack: the real lookup and erase handlers on the stack's table, and its own
// admin route on the ingest pipeline, behind the API Gateway stand-in; with the cursor signing key kept in
// the data dir, so that cursors stay good across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDbEraser } from '../functions/adapters/dynamodb/eraser.js';
import type { DynamoDbSessionReader } from '../functions/adapters/dynamodb/session-reader.js';
import { createAdminHandler as createEraseHandler } from '../functions/admin/app.js';
import { createApiHandler } from '../functions/api/app.js';
import { createAdminHandler } from './admin-routes.js';
import { type HttpApi, type StaticAsset, startHttpApi } from './http-api.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import { isAddressInUse, portInUse, type StartGiven } from './servers.js';

export interface LocalApiOptions {
  /** HTTP API port; 0 picks a free one. */
  port: number;
  corsAllowedOrigins?: string[];
  /** Served by the API stand-in ahead of the lookup routes (the viewer). */
  staticAssets?: ReadonlyMap<string, StaticAsset>;
  staticHeaders?: Readonly<Record<string, string>>;
}

export interface LocalApiLog {
  /** The admin (erasure) handler's structured log. */
  admin?(message: string, attributes: Record<string, unknown>): void;
  warn?(message: string, error?: unknown): void;
}

/** The key kept in the data dir, made on the first start (or when the file holds too short a one). */
export function loadOrCreateSigningKey(dataDir: string): string {
  const path = join(dataDir, 'cursor-signing-key');
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  const key = randomBytes(32).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The API stand-in on `options.port`, serving the three; a port taken is told as the other ports are. */
export async function startApi(
  options: LocalApiOptions,
  log: LocalApiLog,
  deps: {
    reader: DynamoDbSessionReader;
    eraser: DynamoDbEraser;
    cursorSigningKey: string;
    pipeline: IngestPipeline;
    /** For the start a taken port suggests. */
    given: StartGiven;
  },
): Promise<HttpApi> {
  const handler = createApiHandler({
    reader: deps.reader,
    config: {
      cursorSigningKey: deps.cursorSigningKey,
      corsAllowedOrigins: options.corsAllowedOrigins ?? [],
      pathsDecoded: false,
    },
    logger: {
      error: (message: unknown, ...extra: unknown[]) =>
        log.warn?.(`api error: ${String(message)}`, (extra[0] as { error?: unknown } | undefined)?.error),
    },
  });
  // The stand-in passes paths still percent-encoded, to both functions.
  const adminApiHandler = createEraseHandler({
    eraser: deps.eraser,
    config: { pathsDecoded: false },
    logger: {
      info: (message, attributes) => log.admin?.(message, attributes),
      error: (message, attributes) => log.warn?.(`admin route: ${message}`, attributes.error),
    },
  });
  try {
    return await startHttpApi({
      port: options.port,
      handler,
      adminApiHandler,
      onError: (error) => log.warn?.('api handler threw', error),
      admin: createAdminHandler(deps.pipeline),
      corsAllowedOrigins: options.corsAllowedOrigins ?? [],
      ...(options.staticAssets !== undefined && { staticAssets: options.staticAssets }),
      ...(options.staticHeaders !== undefined && { staticHeaders: options.staticHeaders }),
    });
  } catch (error) {
    throw isAddressInUse(error) ? await portInUse('PORT', options.port, 'lookup API', deps.given) : error;
  }
}
