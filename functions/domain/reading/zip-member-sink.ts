/** What a data descriptor, read after a member's data, says of the member. */
export interface DescriptorValues {
  readonly crc: number;
  readonly originalSize: number;
}

/** Receives a ZIP member's stored (still compressed) bytes, in order: a decoder, or a descriptor's search. */
export interface MemberSink {
  data(chunk: Uint8Array): void;
  /** Every byte of the member was given; `descriptor`, what the data descriptor ending it says, if one does. */
  end(descriptor?: DescriptorValues): void;
}
