/**
 * The open-addressing tables of the batch (the dedupe table, the span indexes) hold pairs of (entry + 1, hash)
 * in one Int32Array, 0 marking an empty slot. This is their growth: the same pairs in twice the slots.
 */
export function doubledSlots(old: Int32Array): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(old.length * 2);
  const mask = (slots.length >> 1) - 1;
  for (let at = 0; at < old.length; at += 2) {
    const entry = old[at] as number;
    if (entry === 0) continue;
    const hash = old[at + 1] as number;
    let slot = hash & mask;
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = entry;
    slots[2 * slot + 1] = hash;
  }
  return slots;
}
