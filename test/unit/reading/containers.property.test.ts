import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ArchiveMember,
  bytesOf,
  chunked,
  readExport,
  zipWithDataDescriptors,
  zipWithSizes,
  zipWithYazl,
} from './archives.js';

/** NDJSON of arbitrary JSON values, some repeated so members reach past a feed slice. */
const memberText = fc
  .tuple(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 20 }), fc.integer({ min: 1, max: 400 }))
  .map(([values, repeat]) =>
    values
      .map((value) => JSON.stringify(value))
      .join('\n')
      .repeat(repeat),
  );

const memberDraft = fc.record({ text: memberText, gzip: fc.boolean(), deflate: fc.boolean() });

const writers = {
  sizes: async (members: ArchiveMember[]) => zipWithSizes(members),
  dataDescriptors: async (members: ArchiveMember[]) => zipWithDataDescriptors(members),
  yazl: (members: ArchiveMember[]) => zipWithYazl(members),
  yazlStreamed: (members: ArchiveMember[]) => zipWithYazl(members, { streamed: true }),
};

/** The writers that write data descriptors (sizes after the data). */
const STREAMED_WRITERS: ReadonlySet<keyof typeof writers> = new Set(['dataDescriptors', 'yazlStreamed']);

const chunkSizes = fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 6 });

describe('openExport round trip', () => {
  it('gives back every zipped member byte for byte, gzipped inside or not, however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(memberDraft, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...(Object.keys(writers) as Array<keyof typeof writers>)),
        chunkSizes,
        async (drafts, writer, sizes) => {
          const members = drafts.map(({ text, gzip, deflate }, index) => ({
            path: `dir/member-${index}.json${gzip ? '.gz' : ''}`,
            content: gzip ? gzipSync(text) : bytesOf(text),
            deflate,
          }));
          const archive = await writers[writer](members);

          const outcome = await readExport('export.zip', chunked(archive, sizes));

          expect(outcome).toEqual({
            members: drafts.map(({ text, gzip }, index) => ({
              name: `export.zip!dir/member-${index}.json${gzip ? '.gz' : ''}`,
              compression: gzip ? 'gzip' : 'none',
              inZip: true,
              text,
            })),
            issues: [],
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gives back the members of archives inside archives, in order and named by their path, whatever writes them', async () => {
    type Tree = { text: string } | { members: Tree[]; writer: keyof typeof writers };
    const writerName = fc.constantFrom(...(Object.keys(writers) as Array<keyof typeof writers>));
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ text: memberText }),
        fc.record({ members: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }), writer: writerName }),
      ),
    }));
    // The outermost archive and two levels inside it: within the depth limit.
    // An archive holding archives is written with sizes up front: one written with data descriptors is the
    // known limitation pinned by the it.fails below.
    const withSizesAround = (node: Extract<Tree, { members: Tree[] }>): Tree =>
      node.members.some((member) => 'members' in member) && STREAMED_WRITERS.has(node.writer)
        ? { ...node, writer: 'sizes' }
        : node;
    const limitDepth = (node: Tree, depth: number): Tree =>
      'text' in node
        ? node
        : depth === 3
          ? { text: '{"cut":true}' }
          : withSizesAround({
              ...node,
              members: node.members.map((member) => limitDepth(member, depth + 1)),
            });
    const write = async (node: Extract<Tree, { members: Tree[] }>): Promise<Uint8Array> =>
      writers[node.writer](
        await Promise.all(
          node.members.map(async (member, index) => ({
            path: `m${index}${'text' in member ? '.json' : '.zip'}`,
            content: 'text' in member ? bytesOf(member.text) : await write(member),
          })),
        ),
      );
    const flatten = (node: Tree, name: string): { name: string; text: string }[] =>
      'text' in node
        ? [{ name, text: node.text }]
        : node.members.flatMap((member, index) =>
            flatten(member, `${name}!m${index}${'text' in member ? '.json' : '.zip'}`),
          );
    await fc.assert(
      fc.asyncProperty(
        fc.array(tree, { minLength: 1, maxLength: 3 }),
        writerName,
        chunkSizes,
        async (members, writer, sizes) => {
          const root = limitDepth({ members, writer }, 1) as Extract<Tree, { members: Tree[] }>;

          const outcome = await readExport('export.zip', chunked(await write(root), sizes));

          expect(outcome.members.map(({ name, text }) => ({ name, text }))).toEqual(
            flatten(root, 'export.zip'),
          );
          expect(outcome.issues).toEqual([]);
          expect(outcome.error).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it.fails('reads an archive inside a member written with a data descriptor (known limitation: docs/design.md)', async () => {
    // fflate finds where such a member ends by the next local header's signature, and the archive inside
    // holds local headers of its own (deflate stores incompressible bytes as they are).
    const inner = () => zipWithSizes([{ path: 'm0.json', content: bytesOf('') }]);
    const middle = zipWithSizes([
      { path: 'm0.zip', content: inner() },
      { path: 'm1.json', content: bytesOf('') },
      { path: 'm2.zip', content: inner() },
    ]);
    const outer = zipWithDataDescriptors([{ path: 'm0.zip', content: middle }]);

    for (const size of [6, 64, 100_000]) {
      const outcome = await readExport('export.zip', chunked(outer, [size]));
      expect(outcome.members.map(({ name }) => name)).toEqual([
        'export.zip!m0.zip!m0.zip!m0.json',
        'export.zip!m0.zip!m1.json',
        'export.zip!m0.zip!m2.zip!m0.json',
      ]);
      expect(outcome.issues).toEqual([]);
    }
  });

  it('gives back a plain or gzipped file byte for byte, however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(memberText, fc.boolean(), chunkSizes, async (text, gzip, sizes) => {
        const bytes = gzip ? gzipSync(text) : bytesOf(text);

        const outcome = await readExport('events.json', chunked(bytes, sizes));

        expect(outcome.members).toEqual([
          { name: 'events.json', compression: gzip ? 'gzip' : 'none', inZip: false, text },
        ]);
      }),
      { numRuns: 100 },
    );
  });
});
