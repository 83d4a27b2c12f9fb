/** Receives a ZIP member's stored (still compressed) bytes, in order: a decoder, or a descriptor's search. */
export interface MemberSink {
  data(chunk: Uint8Array): void;
  /** Every byte of the member was given. */
  end(): void;
}
