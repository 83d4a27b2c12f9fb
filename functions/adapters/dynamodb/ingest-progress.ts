import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { IngestProgress, IngestProgressStore, ProgressKey } from '../../ingest/progress.js';
import * as z from '../../shared/zod.js';
import { progressPk, progressSk } from './keys.js';
import { itemKey, type Transport } from './transport.js';

/** Progress of an object nobody finishes (its message dead-lettered, say) expires after this long. */
const KEEP_SECONDS = 14 * 24 * 3600;
/** Below DynamoDB's 400 KB an item, with room for its keys. */
const MAX_ENCODED_BYTES = 350 * 1024;

const count = z.int().check(z.minimum(0));
const progressSchema = z.object({
  merged: count,
  partial: z.optional(z.object({ end: count, owners: count, ownersDigest: z.string() })),
  // [file, line] or [file, line, index]: the file's name repeats, and deflating takes it out.
  erasedAt: z.array(z.union([z.tuple([z.string(), count]), z.tuple([z.string(), count, count])])),
  // [anonymousId, user]: absent in progress saved before it was kept.
  erasedVia: z.optional(z.array(z.tuple([z.string(), z.string()]))),
  totals: z.object({
    usersTouched: count,
    newEvents: count,
    sessionsWritten: count,
    erased: count,
    chunks: count,
  }),
});

function encode(progress: IngestProgress): Buffer {
  const erasedAt = progress.erasedAt.map(({ file, line, index }) =>
    index === undefined ? [file, line] : [file, line, index],
  );
  return deflateRawSync(JSON.stringify({ ...progress, erasedAt }));
}

function decode(bytes: Uint8Array): IngestProgress | undefined {
  let parsed: ReturnType<typeof progressSchema.safeParse>;
  try {
    parsed = progressSchema.safeParse(JSON.parse(inflateRawSync(bytes).toString('utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const { partial, erasedAt, erasedVia, ...rest } = parsed.data;
  return {
    ...rest,
    ...(partial !== undefined && { partial }),
    ...(erasedVia !== undefined && { erasedVia }),
    erasedAt: erasedAt.map(([file, line, index]) => ({ file, line, ...(index !== undefined && { index }) })),
  };
}

/**
 * Ingest progress as one item per object content in the sessions table (`I#<bucket>/<key>`,
 * `P#<version>`), naming the reading it describes: progress read another way is not resumed. Nothing else
 * reads these items: a rebuild's scan takes heads only.
 */
export class DynamoDbIngestProgress implements IngestProgressStore {
  constructor(
    private readonly transport: Transport,
    private readonly now: () => number = Date.now,
  ) {}

  async load(object: ProgressKey): Promise<IngestProgress | undefined> {
    const item = await this.transport.get(this.keyOf(object));
    if (item?.rd?.S !== object.reading || item.pg?.B === undefined) return undefined;
    // An item that does not decode (written by a later format, say) is no progress: the ingest starts over.
    return decode(item.pg.B);
  }

  /**
   * Saves `progress`. Progress too large for an item (erased events by the hundred thousand) is removed
   * instead: a later delivery starts over, as one without progress would.
   */
  async save(object: ProgressKey, progress: IngestProgress): Promise<boolean> {
    const encoded = encode(progress);
    if (encoded.length > MAX_ENCODED_BYTES) {
      await this.clear(object);
      return false;
    }
    await this.transport.put({
      ...this.keyOf(object),
      rd: { S: object.reading },
      pg: { B: encoded },
      ttl: { N: String(Math.floor(this.now() / 1000) + KEEP_SECONDS) },
    });
    return true;
  }

  async clear(object: ProgressKey): Promise<void> {
    await this.transport.delete(this.keyOf(object));
  }

  private keyOf(object: ProgressKey) {
    return itemKey(progressPk(object.bucket, object.key), progressSk(object.version));
  }
}
