// The zip64 extra field of a local header or a central directory record: the sizes that do not fit 32 bits.

const ZIP64_EXTRA = 0x0001;
const UINT32_MAX = 0xffffffff;

export interface MemberSizes {
  readonly compressedSize: number;
  readonly originalSize: number;
}

/** A central directory record's sizes and where its member's local header is. */
export interface ListedPlace extends MemberSizes {
  readonly headerOffset: number;
}

/**
 * The sizes with the zip64 extra field's, when the extra field at `[extraStart, extraEnd)` has one: it holds,
 * in this order, the original and then the compressed size, each only when the record's own field is
 * 0xffffffff. Undefined without one.
 */
export function readZip64Extra(
  view: DataView,
  extraStart: number,
  extraEnd: number,
  declared: MemberSizes,
): MemberSizes | undefined {
  const read = readZip64Fields(view, extraStart, extraEnd, declared);
  return read && { originalSize: read.originalSize, compressedSize: read.compressedSize };
}

/** The sizes as {@link readZip64Extra} reads them, and `field` to read the extra field's next ones in turn. */
function readZip64Fields(
  view: DataView,
  extraStart: number,
  extraEnd: number,
  declared: MemberSizes,
): (MemberSizes & { readonly field: (header: number) => number }) | undefined {
  for (let at = extraStart; at + 4 <= extraEnd; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) !== ZIP64_EXTRA) continue;
    const end = Math.min(extraEnd, at + 4 + view.getUint16(at + 2, true));
    let field = at + 4;
    const next = (header: number): number => {
      if (header !== UINT32_MAX || field + 8 > end) return header;
      field += 8;
      return Number(view.getBigUint64(field - 8, true));
    };
    const originalSize = next(declared.originalSize);
    return { originalSize, compressedSize: next(declared.compressedSize), field: next };
  }
  return undefined;
}

/** A central directory record's sizes and header offset, the zip64 extra field's where the record's own are 0xffffffff. */
export function readZip64Place(
  view: DataView,
  extraStart: number,
  extraEnd: number,
  declared: ListedPlace,
): ListedPlace {
  const read = readZip64Fields(view, extraStart, extraEnd, declared);
  if (read === undefined) return declared;
  return {
    originalSize: read.originalSize,
    compressedSize: read.compressedSize,
    headerOffset: read.field(declared.headerOffset),
  };
}
