import type { DescriptorValues, MemberSink } from './zip-member-sink.js';
import { indexOfPK, isRecordSignature, viewOf } from './zip-signatures.js';

const DATA_DESCRIPTOR = 0x08074b50;
/**
 * Bytes past a descriptor's start that decide whether it is one: the longest form (signature, CRC-32 and
 * zip64 sizes) or the unsigned zip64 form followed by the next record's signature.
 */
export const DESCRIPTOR_DECIDED_AFTER = 24;

/**
 * Where a member's data ends: its data descriptor's offset in the bytes searched, the descriptor's length, and
 * what it says (its compressed size is the member's length, by which it was found).
 */
export interface DescriptorEnd {
  readonly at: number;
  readonly length: number;
  /** Undefined for a descriptor the input's end cuts short (a truncated archive, whose directory is not read). */
  readonly says: DescriptorValues | undefined;
}

export interface EndSearch {
  /** The input has ended: descriptors are tried wherever they fit, not only where more bytes decide them. */
  readonly atEnd?: boolean;
  /** Only descriptors starting before this offset are tried. */
  readonly startsBefore?: number;
}

/** The longest unsigned descriptor: a record signature after one starts at most this far past it. */
const LONGEST_UNSIGNED = 20;
const UINT32_MAX = 0xffffffff;

/**
 * A member written with a data descriptor (flag bit 3), whose size is known only after its data. It ends at
 * the first data descriptor whose compressed size is the member's length up to it: signed (`PK\x07\x08`
 * first), or unsigned, when a record's signature must follow it. Its CRC-32 is not asked to match: a damaged
 * member would then run on to the archive's end (the central directory's CRC-32 reports it instead, and what
 * the descriptor says is compared with the directory at the end).
 * fflate's `Unzip` ended such a member at the first record signature instead, which an archive stored
 * inside the member has (deflate keeps incompressible bytes as they are), and which compressed data holds
 * by chance about once per gigabyte.
 */
export class DescribedMember {
  /** Bytes handed on so far. */
  private delivered = 0;

  constructor(
    readonly sink: MemberSink,
    private readonly zip64: boolean,
  ) {}

  deliver(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.sink.data(bytes);
    this.delivered += bytes.length;
  }

  /** The member's end in `bytes`, which follow the bytes delivered, if it is decided there. */
  findEnd(bytes: Uint8Array, { atEnd = false, startsBefore = Number.POSITIVE_INFINITY }: EndSearch = {}) {
    const view = viewOf(bytes);
    const lastStart = (sizeLength: number) =>
      Math.min(
        startsBefore - 1,
        atEnd ? bytes.length - 4 - 2 * sizeLength : bytes.length - DESCRIPTOR_DECIDED_AFTER,
      );
    const size = (offset: number, sizeLength: number): number =>
      sizeLength === 8 ? Number(view.getBigUint64(offset, true)) : view.getUint32(offset, true);
    const sizeIsOffset = (at: number, sizeOffset: number, sizeLength: number): boolean =>
      sizeOffset + sizeLength <= bytes.length && size(sizeOffset, sizeLength) === this.delivered + at;
    // The CRC-32, then the compressed and the inflated size.
    const says = (crcOffset: number, sizeLength: number): DescriptorValues | undefined =>
      crcOffset + 4 + 2 * sizeLength > bytes.length
        ? undefined
        : {
            crc: view.getUint32(crcOffset, true),
            originalSize: size(crcOffset + 4 + sizeLength, sizeLength),
          };
    let found: DescriptorEnd | undefined;
    for (let pk = indexOfPK(bytes, 0); pk !== -1; pk = indexOfPK(bytes, pk + 1)) {
      // No later signature can start a descriptor before the one found.
      if (pk + 4 > bytes.length || (found !== undefined && pk - LONGEST_UNSIGNED > found.at)) break;
      const signature = view.getUint32(pk, true);
      const signedSizes = this.sizeLength(pk);
      if (
        signature === DATA_DESCRIPTOR &&
        pk <= lastStart(signedSizes) &&
        sizeIsOffset(pk, pk + 8, signedSizes)
      ) {
        const sizeLength = signedSizes === 4 && this.widened(view, pk) ? 8 : signedSizes;
        found = earlier(found, { at: pk, length: 8 + 2 * sizeLength, says: says(pk + 4, sizeLength) });
      }
      if (!isRecordSignature(signature)) continue;
      // Unsigned: the signature found is the next record's, right after the descriptor.
      for (const sizeLength of [4, 8]) {
        const at = pk - 4 - 2 * sizeLength;
        if (at < 0 || this.sizeLength(at) !== sizeLength || at > lastStart(sizeLength)) continue;
        if (sizeIsOffset(at, at + 4, sizeLength)) {
          found = earlier(found, { at, length: 4 + 2 * sizeLength, says: says(at, sizeLength) });
        }
      }
    }
    return found;
  }

  /**
   * Whether the signed descriptor at `at`, which reads with 4-byte sizes, was written with 8-byte ones: yazl's
   * forced zip64 writes them without a zip64 field in the header, and below 4 GiB they read as 4-byte ones
   * whose inflated size is 0 (the compressed size's high half). No record's signature then follows the
   * 4-byte form, and the 8-byte form's compressed size matches as well.
   */
  private widened(view: DataView, at: number): boolean {
    return (
      at + 24 <= view.byteLength &&
      view.getUint32(at + 12, true) === 0 &&
      !isRecordSignature(view.getUint32(at + 16, true))
    );
  }

  /**
   * 8 with a zip64 extra field, as the spec says; also past 4 GiB without one, where Java's
   * ZipOutputStream and Go's archive/zip write 8-byte sizes though the local header (written before the
   * size was known) has no zip64 field. Below 4 GiB, 8 bytes would misread a 4-byte descriptor whose
   * original size is 0.
   */
  private sizeLength(at: number): number {
    return this.zip64 || this.delivered + at > UINT32_MAX ? 8 : 4;
  }
}

function earlier(a: DescriptorEnd | undefined, b: DescriptorEnd): DescriptorEnd {
  return a === undefined || b.at < a.at ? b : a;
}
