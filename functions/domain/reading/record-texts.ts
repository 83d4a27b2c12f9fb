import { readExportItems } from '../export-reader.js';

/** The texts of the records at the given 1-based positions of a file: for the rare canonical-JSON tie-breaks. */
export async function readRecordTexts(
  bytes: AsyncIterable<Uint8Array>,
  positions: ReadonlySet<number>,
): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  let record = 0;
  try {
    for await (const batch of readExportItems(bytes)) {
      for (const item of batch) {
        if (item.structuralError !== undefined) continue;
        record++;
        if (positions.has(record)) texts.set(record, item.text);
        if (texts.size === positions.size) return texts;
      }
    }
  } catch {
    // A file that breaks partway was read this far the first time too.
  }
  return texts;
}
