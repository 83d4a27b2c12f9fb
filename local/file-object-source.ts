import { createReadStream } from 'node:fs';
import type { ObjectSource } from '../functions/adapters/s3/object-source.js';

/**
 * One local file served as the export object `key` at ETag `eTag` (any other key is gone): how the benchmark
 * and the cost script let the ingest read copies again, as it does from S3 on AWS.
 */
export function fileObjectSource(key: string, file: string, eTag: string): ObjectSource {
  return {
    open: async (ref) =>
      ref.key === key ? { status: 'found', bytes: createReadStream(file), eTag } : { status: 'gone' },
  };
}
