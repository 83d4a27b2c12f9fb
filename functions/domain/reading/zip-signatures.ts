/** The record signatures of a ZIP archive, and finding them. */

export const LOCAL_FILE_HEADER = 0x04034b50;
export const CENTRAL_FILE_HEADER = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
export const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
export const ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR = 0x07064b50;

/** A local header, or a record of the central directory (which an archive's last member comes before). */
export function isRecordSignature(signature: number): boolean {
  return (
    signature === LOCAL_FILE_HEADER ||
    signature === CENTRAL_FILE_HEADER ||
    signature === END_OF_CENTRAL_DIRECTORY ||
    signature === ZIP64_END_OF_CENTRAL_DIRECTORY
  );
}

/** Where the next local header or central directory record starts in `bytes`, if one does. */
export function nextRecord(bytes: Uint8Array): number | undefined {
  const view = viewOf(bytes);
  for (let pk = indexOfPK(bytes, 0); pk !== -1 && pk + 4 <= bytes.length; pk = indexOfPK(bytes, pk + 1)) {
    if (isRecordSignature(view.getUint32(pk, true))) return pk;
  }
  return undefined;
}

const PK = Buffer.from('PK', 'latin1');

/** Every signature starts with `PK`; Buffer's native search finds it far faster than a loop. */
export function indexOfPK(bytes: Uint8Array, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(PK, from);
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
