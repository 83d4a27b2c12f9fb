// Apart from copy-texts.ts, which the rebuild loads only for its first tie.

/** Told of each object a copy could not be read from because S3 refused access to it. */
export type DeniedCopyObject = (object: string) => void;

const COPY_ACCESS_DENIED_MESSAGE =
  'copy not read again: access denied (a source removed from the stage?); its tie goes by projection';

/** Logs each such object of `bucket` as a warning: the merge goes on. */
export function warnOfDeniedCopies(
  logger: { warn(message: string, attributes: Record<string, unknown>): void },
  bucket: string,
): DeniedCopyObject {
  return (object) => logger.warn(COPY_ACCESS_DENIED_MESSAGE, { bucket, key: object });
}
