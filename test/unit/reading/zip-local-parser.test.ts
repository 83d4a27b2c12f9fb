import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LocalMember, ZipLocalParser } from '../../../functions/domain/reading/zip-local-parser.js';
import type { DescriptorValues } from '../../../functions/domain/reading/zip-member-sink.js';

/** Stored members, so what the parser hands on is the member's content itself. */
interface WrittenMember {
  readonly name: string;
  readonly content: Uint8Array;
  /** How the size is given: in the local header, or in a data descriptor after the data. */
  readonly sizes: 'header' | 'signed' | 'unsigned';
  readonly zip64: boolean;
}

const PK = (third: number, fourth: number) => [0x50, 0x4b, third, fourth];

function u16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

function u32(value: number): number[] {
  return [...u16(value & 0xffff), ...u16(value >>> 16)];
}

function u64(value: number): number[] {
  return [...u32(value % 2 ** 32), ...u32(Math.floor(value / 2 ** 32))];
}

/** A small ZIP writer of its own, so that every form of size the format allows is written. */
function writeArchive(members: readonly WrittenMember[]): { archive: Uint8Array; dataStarts: number[] } {
  const bytes: number[] = [];
  const dataStarts: number[] = [];
  for (const member of members) {
    const described = member.sizes !== 'header';
    const name = [...Buffer.from(member.name, 'utf8')];
    const size = member.content.length;
    const crc = crc32(member.content);
    const extra = member.zip64
      ? [...u16(1), ...u16(16), ...u64(described ? 0 : size), ...u64(described ? 0 : size)]
      : [];
    const headerSize = described ? 0 : member.zip64 ? 0xffffffff : size;
    bytes.push(
      ...PK(3, 4),
      ...u16(member.zip64 ? 45 : 20),
      ...u16(0x800 | (described ? 8 : 0)),
      ...u16(0),
      ...u32(0),
      ...u32(described ? 0 : crc),
      ...u32(headerSize),
      ...u32(headerSize),
      ...u16(name.length),
      ...u16(extra.length),
      ...name,
      ...extra,
    );
    dataStarts.push(bytes.length);
    bytes.push(...member.content);
    if (described) {
      const sizeBytes = member.zip64 ? u64 : u32;
      if (member.sizes === 'signed') bytes.push(...PK(7, 8));
      bytes.push(...u32(crc), ...sizeBytes(size), ...sizeBytes(size));
    }
  }
  bytes.push(...PK(5, 6), ...new Array(18).fill(0));
  return { archive: Uint8Array.from(bytes), dataStarts };
}

const RECORD_SIGNATURES = [0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50];

/**
 * Whether a stored member of unknown size holds, before its own descriptor, a descriptor giving the size of
 * its bytes so far: the one thing that makes such a member ambiguous, and why most writers refuse to write
 * one. Checked on the archive as written, its real descriptor and the next record included.
 */
function holdsItsOwnDescriptor(archive: Uint8Array, dataStart: number, member: WrittenMember): boolean {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const sizeLength = member.zip64 ? 8 : 4;
  const sizeAt = (offset: number) =>
    member.zip64 ? Number(view.getBigUint64(offset, true)) : view.getUint32(offset, true);
  const describes = (at: number, crcOffset: number) => sizeAt(crcOffset + 4) === at - dataStart;
  for (let at = dataStart; at < dataStart + member.content.length; at++) {
    if (view.getUint32(at, true) === 0x08074b50 && describes(at, at + 4)) return true;
    const next = at + 4 + 2 * sizeLength;
    if (describes(at, at) && RECORD_SIGNATURES.includes(view.getUint32(next, true))) return true;
  }
  return false;
}

function parse(archive: Uint8Array, chunkSizes: readonly number[]) {
  const members: {
    member: LocalMember;
    content: Uint8Array;
    ended: boolean;
    described?: DescriptorValues | undefined;
  }[] = [];
  const parser = new ZipLocalParser((member) => {
    const parts: Uint8Array[] = [];
    const found: (typeof members)[number] = { member, content: new Uint8Array(0), ended: false };
    members.push(found);
    return {
      data: (chunk) => {
        parts.push(chunk.slice());
        found.content = Buffer.concat(parts);
      },
      end: (described) => {
        found.ended = true;
        found.described = described;
      },
    };
  });
  let offset = 0;
  for (let index = 0; offset < archive.length; index++) {
    const size = chunkSizes[index % chunkSizes.length] as number;
    parser.push(archive.subarray(offset, offset + size));
    offset += size;
  }
  const endedInside = parser.end();
  return { members, endedInside };
}

/** Bytes that look like ZIP records: signatures, and descriptors whose sizes are near their offsets. */
const zipLikeBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .constantFrom(PK(3, 4), PK(1, 2), PK(7, 8), PK(5, 6), [0x50, 0x4b])
        .map((bytes) => Uint8Array.from(bytes)),
      fc
        .integer({ min: 0, max: 300 })
        .map((size) => Uint8Array.from([...PK(7, 8), ...u32(0), ...u32(size), ...u32(size)])),
      fc
        .integer({ min: 0, max: 300 })
        .map((size) => Uint8Array.from([...u32(0), ...u32(size), ...u32(size), ...PK(3, 4)])),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

const writtenMember: fc.Arbitrary<WrittenMember> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 12 }),
  content: zipLikeBytes,
  sizes: fc.constantFrom('header', 'signed', 'unsigned'),
  zip64: fc.boolean(),
});

describe('ZipLocalParser', () => {
  it('splits stored members at their ends whatever they hold and however the archive is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(writtenMember, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        (members, chunkSizes) => {
          const { archive, dataStarts } = writeArchive(members);
          fc.pre(
            !members.some(
              (member, index) =>
                member.sizes !== 'header' &&
                holdsItsOwnDescriptor(archive, dataStarts[index] as number, member),
            ),
          );

          const { members: found, endedInside } = parse(archive, chunkSizes);

          expect(
            found.map(({ member, content, ended, described }) => ({
              name: member.name,
              content: [...content],
              ended,
              described,
            })),
          ).toEqual(
            members.map(({ name, content, sizes }) => ({
              name,
              content: [...content],
              ended: true,
              // What the descriptor says, whatever its form, for the central directory's check.
              described:
                sizes === 'header' ? undefined : { crc: crc32(content), originalSize: content.length },
            })),
          );
          expect(endedInside).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads archives inside members of unknown size, whose own records would end them at a signature', () => {
    fc.assert(
      fc.property(
        fc.array(writtenMember, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<WrittenMember['sizes']>('signed', 'unsigned'),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        (innerMembers, sizes, chunkSizes) => {
          const inner = writeArchive(innerMembers).archive;
          const outer: WrittenMember[] = [
            { name: 'inner.zip', content: inner, sizes, zip64: false },
            { name: 'after.json', content: Uint8Array.from([0x7b, 0x7d]), sizes, zip64: false },
          ];
          const { archive, dataStarts } = writeArchive(outer);
          fc.pre(!holdsItsOwnDescriptor(archive, dataStarts[0] as number, outer[0] as WrittenMember));

          const { members: found } = parse(archive, chunkSizes);

          expect(found.map(({ member, content }) => [member.name, content.length])).toEqual([
            ['inner.zip', inner.length],
            ['after.json', 2],
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  // OpenJDK 17's ZipOutputStream, seen writing a 4.1 GB member: 8-byte sizes, no zip64 field in the header.
  it.each(['signed', 'unsigned'] as const)(
    'ends a member past 4 GiB at a %s descriptor with 8-byte sizes though its header has no zip64 field',
    (sizes) => {
      const { archive, dataStarts } = writeArchive([
        { name: 'big.json', content: new Uint8Array(0), sizes, zip64: false },
      ]);
      const header = archive.subarray(0, dataStarts[0]);
      const after = writeArchive([
        { name: 'after.json', content: Buffer.from('{}'), sizes: 'header', zip64: false },
      ]);
      const zeros = new Uint8Array(64 * 1024 ** 2);
      const size = 65 * zeros.length;
      const descriptor = Uint8Array.from([
        ...(sizes === 'signed' ? PK(7, 8) : []),
        ...u32(0),
        ...u64(size),
        ...u64(size),
      ]);
      const found: { name: string; bytes: number; ended: boolean }[] = [];
      const parser = new ZipLocalParser((member) => {
        const entry = { name: member.name, bytes: 0, ended: false };
        found.push(entry);
        return {
          data: (chunk) => {
            entry.bytes += chunk.length;
          },
          end: () => {
            entry.ended = true;
          },
        };
      });

      parser.push(header);
      for (let pushed = 0; pushed < size; pushed += zeros.length) parser.push(zeros);
      const rest = Buffer.concat([descriptor, after.archive]);
      for (let at = 0; at < rest.length; at += 7) parser.push(rest.subarray(at, at + 7));

      expect(parser.end()).toBe(false);
      expect(found).toEqual([
        { name: 'big.json', bytes: size, ended: true },
        { name: 'after.json', bytes: 2, ended: true },
      ]);
    },
  );

  it('hands on what it has of a member the archive ends inside, and says so', () => {
    const { archive } = writeArchive([
      { name: 'a.json', content: Buffer.from('{"a":1}\n{"b":2}'), sizes: 'signed', zip64: false },
    ]);
    const cut = archive.subarray(0, archive.lastIndexOf(0x7d) + 1);

    for (const size of [1, 7, 1000]) {
      const { members, endedInside } = parse(cut, [size]);

      expect(Buffer.from(members[0]?.content ?? []).toString()).toBe('{"a":1}\n{"b":2}');
      expect(members[0]?.ended).toBe(false);
      expect(endedInside).toBe(true);
    }
  });

  it('reads sizes from the zip64 extra field, and names as UTF-8, also without the flag when they are valid UTF-8', () => {
    const { archive } = writeArchive([
      { name: 'é.json', content: Buffer.from('{}'), sizes: 'header', zip64: true },
    ]);
    const { members } = parse(archive, [archive.length]);
    expect(members[0]?.member).toMatchObject({ name: 'é.json', compressedSize: 2, originalSize: 2 });

    const unflagged = Uint8Array.from(archive);
    unflagged[7] = 0; // clears the UTF-8 name flag
    expect(parse(unflagged, [5]).members[0]?.member.name).toBe('é.json');
  });
});
