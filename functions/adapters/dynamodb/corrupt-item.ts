/** A stored item that does not decode: a bug or a hand edit, never a user's input. */
export class CorruptItemError extends Error {
  constructor(what: string) {
    super(`corrupt stored item: ${what}`);
    this.name = 'CorruptItemError';
  }
}
