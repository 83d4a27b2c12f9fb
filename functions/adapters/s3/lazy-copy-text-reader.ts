import type { OpenExportOptions } from '../../domain/reading/containers.js';
import type { CopyTextReader } from '../../domain/store/copy-texts.js';
import type { DeniedCopyObject } from './copy-access.js';

/**
 * Reads copies again from the exports in `bucket` (`copyTextReader` over S3, under the ingest's member limit
 * `limits`), with the reading code and the S3 SDK loaded, and the client created, on the first read only: the
 * rebuild reads copies only for the rare ties between them, so its cold starts need not evaluate either.
 */
export function lazyCopyTextReader(
  bucket: string,
  onDenied?: DeniedCopyObject,
  limits: Pick<OpenExportOptions, 'maxMemberBytes'> = {},
): CopyTextReader {
  let reader: Promise<CopyTextReader> | undefined;
  return async (sources) => {
    reader ??= openReader(bucket, onDenied, limits);
    return (await reader)(sources);
  };
}

async function openReader(
  bucket: string,
  onDenied: DeniedCopyObject | undefined,
  limits: Pick<OpenExportOptions, 'maxMemberBytes'>,
): Promise<CopyTextReader> {
  const [{ copyTextReader }, { S3ObjectSource }, { s3Client }] = await Promise.all([
    import('./copy-texts.js'),
    import('./object-source.js'),
    import('../../shared/s3-client.js'),
  ]);
  return copyTextReader(new S3ObjectSource(s3Client), bucket, onDenied, limits);
}
