/** Why the bytes of a file or ZIP member stopped before their end. */
export type ContainerErrorKind = 'corrupt' | 'truncated' | 'too-large';

/** How far reading got before a file or member broke. */
export interface ReadProgress {
  /** Decompressed bytes handed to the caller before the break. */
  readonly deliveredBytes: number;
  /** How far into the compressed input (the archive, for a ZIP member) decoding got, when known. */
  readonly compressedOffset?: number;
}

/**
 * A file or ZIP member whose content cannot be read to its end. Everything delivered before it stays
 * delivered; the message names the file (`<archive>!<member>` inside a ZIP), the reason, and how far
 * reading got.
 */
export class ContainerError extends Error {
  constructor(
    readonly kind: ContainerErrorKind,
    /** The file, or `<archive>!<member path>`. */
    readonly file: string,
    readonly reason: string,
    readonly progress?: ReadProgress,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}${progress ? `; ${describeProgress(progress)}` : ''}`, options);
    this.name = 'ContainerError';
  }
}

/**
 * Why a ZIP member (or the content of a gzip file) was not handed to the caller at all; or, `broken-archive`,
 * where an archive inside an archive broke (its members before the break were handed on); or,
 * `damaged-member`, a member handed on whose content the archive's checksum shows damaged.
 */
export type ContainerIssueKind =
  | 'directory'
  | 'empty-archive'
  | 'nested-archive'
  | 'tar-archive'
  | 'too-deep'
  | 'broken-archive'
  | 'damaged-member'
  | 'unsupported-compression'
  | 'too-large';

export interface ContainerIssue {
  readonly kind: ContainerIssueKind;
  /** The file, or `<archive>!<member path>`. */
  readonly file: string;
  readonly reason: string;
  /** Set when the issue lies inside a gzip layer that was read (a gzip of a ZIP archive). */
  readonly compression?: 'gzip';
}

export function describeProgress({ deliveredBytes, compressedOffset }: ReadProgress): string {
  const delivered = `${deliveredBytes} decompressed bytes were read`;
  return compressedOffset === undefined
    ? delivered
    : `${delivered}, up to compressed byte ${compressedOffset}`;
}

const BYTE_UNITS = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const;

/** `4 GiB`, `1.5 MiB`, `512 bytes`: limits read the way they were configured. */
export function formatByteCount(bytes: number): string {
  for (const [unit, size] of BYTE_UNITS) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}
