import { randomBytes } from 'node:crypto';
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
    const limitDepth = (node: Tree, depth: number): Tree =>
      'text' in node
        ? node
        : depth === 3
          ? { text: '{"cut":true}' }
          : { ...node, members: node.members.map((member) => limitDepth(member, depth + 1)) };
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

  it('reads an archive inside a member written with a data descriptor, stored or deflated', async () => {
    // The archive inside holds local headers and descriptors of its own, as they are: stored, or deflated
    // around incompressible bytes (deflate keeps those as they are). A member of unknown size must not be
    // taken to end at them.
    const incompressible = gzipSync(randomBytes(20_000).toString('base64'), { level: 0 });
    const inner = zipWithSizes([
      { path: 'a.json.gz', content: incompressible, deflate: false },
      { path: 'b.json', content: bytesOf('{"b":1}') },
    ]);
    const middle = zipWithDataDescriptors([
      { path: 'm0.zip', content: inner, deflate: false },
      { path: 'm1.json', content: bytesOf('{"m":1}') },
      { path: 'm2.zip', content: inner },
    ]);
    const outer = zipWithDataDescriptors([{ path: 'm0.zip', content: middle }]);

    for (const size of [6, 64, 100_000]) {
      const outcome = await readExport('export.zip', chunked(outer, [size]));
      expect(outcome.members.map(({ name }) => name)).toEqual([
        'export.zip!m0.zip!m0.zip!a.json.gz',
        'export.zip!m0.zip!m0.zip!b.json',
        'export.zip!m0.zip!m1.json',
        'export.zip!m0.zip!m2.zip!a.json.gz',
        'export.zip!m0.zip!m2.zip!b.json',
      ]);
      expect(outcome.issues).toEqual([]);
      expect(outcome.error).toBeUndefined();
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
