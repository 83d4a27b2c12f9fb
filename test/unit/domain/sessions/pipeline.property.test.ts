import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputFormat } from '../../../../contract/index.js';
import type { Rejection } from '../../../../functions/domain/reading/rejection.js';
import { propertyRuns } from '../../../helpers/integration-property.js';
import {
  type ExportLine,
  exportLinesArbitrary,
  type LineFormat,
  sessionRulesArbitrary,
} from './export-arbitraries.js';
import { type InputFile, productionSessionize } from './production-pipeline.js';
import { type ReferenceFile, referenceSessionize } from './reference-sessionizer.js';

const ALL_FORMATS: LineFormat[] = ['segment', 'amplitude', 'mixpanel', 'posthog'];
// PROPERTY_RUNS=5000 for a longer search.
const RUNS = propertyRuns(300);

interface FileDraft {
  lines: ExportLine[];
  /** A JSON array of the lines' values instead of NDJSON (only when every line is JSON). */
  asArray: boolean;
  gzip: boolean;
  /** Blank lines between events (NDJSON only). */
  blankLines: boolean;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text.trim());
    return true;
  } catch {
    return false;
  }
};

function textOf(draft: FileDraft): string {
  if (draft.asArray && draft.lines.every((line) => isJson(line.text))) {
    return `[\n${draft.lines.map((line) => `  ${line.text.trim()}`).join(',\n')}\n]\n`;
  }
  // A text starting with `[` is a JSON array: NDJSON keeps such a line (`[1,2]`) off its first line.
  const lines = [...draft.lines].sort((a, b) => Number(startsArray(a)) - Number(startsArray(b)));
  if (lines.every(startsArray)) lines.unshift({ format: 'garbage', text: 'not json' });
  return `${lines.map((line) => line.text).join(draft.blankLines ? '\n\n \n' : '\n')}\n`;
}

const startsArray = (line: ExportLine) => line.text.trim().startsWith('[');

/** A rejection's file and place, as the reference gives them. */
const placeOf = (rejection: Rejection) =>
  rejection.index === undefined
    ? { file: rejection.file, line: rejection.position }
    : { file: rejection.file, index: rejection.index };

/**
 * What was rejected and why, wherever it stood and however often (copies are rejected again). Records that
 * are not JSON are left out: in a file of nothing else they are no rejections, the file is no export (rule 1).
 */
const reasons = (rejections: readonly Rejection[]) =>
  [
    ...new Set(
      rejections
        .filter((rejection) => isJson(rejection.raw))
        .map((rejection) => JSON.stringify([rejection.raw.trim(), rejection.reason])),
    ),
  ].sort();

function filesOf(drafts: readonly FileDraft[]): { reference: ReferenceFile[]; production: InputFile[] } {
  const reference = drafts.map((draft, index) => ({ name: `part-${index}.ndjson`, text: textOf(draft) }));
  const production = drafts.map((draft, index) => {
    const bytes = Buffer.from(reference[index]?.text ?? '', 'utf8');
    return { name: `part-${index}.ndjson`, bytes: draft.gzip ? gzipSync(bytes) : bytes };
  });
  return { reference, production };
}

/** Items grouped by key, groups in the order their first item came (Map.groupBy is not in Node 20). */
function groupBy<T>(items: readonly T[], keyOf: (item: T, index: number) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  items.forEach((item, index) => {
    const key = keyOf(item, index);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  });
  return groups;
}

const ownFile = (line: ExportLine) => Math.max(0, ALL_FORMATS.indexOf(line.format as LineFormat));

/** Lines dealt into up to four files, each NDJSON or a JSON array, gzipped or not. */
const exportArbitrary = exportLinesArbitrary(ALL_FORMATS).chain((lines) =>
  fc
    .record({
      // Mostly one format per file, as real exports are; now and then a line in another format's file.
      fileOf: fc.array(
        fc.oneof(
          { weight: 5, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.nat({ max: 3 }) },
        ),
        { minLength: lines.length, maxLength: lines.length },
      ),
      shapes: fc.array(fc.record({ asArray: fc.boolean(), gzip: fc.boolean(), blankLines: fc.boolean() }), {
        minLength: 4,
        maxLength: 4,
      }),
    })
    .map(({ fileOf, shapes }) =>
      shapes
        .map((shape, file) => ({
          ...shape,
          lines: lines.filter((line, index) => (fileOf[index] ?? ownFile(line)) === file),
        }))
        .filter((draft) => draft.lines.length > 0),
    ),
);

const inputFormatArbitrary = fc.constantFrom<InputFormat>(
  'auto',
  'auto',
  'auto',
  'auto',
  'segment',
  'amplitude',
  'mixpanel',
  'posthog',
);

describe('the production pipeline', () => {
  it('agrees with a spec-literal reference on random exports in every format', async () => {
    await fc.assert(
      fc.asyncProperty(
        exportArbitrary,
        sessionRulesArbitrary,
        inputFormatArbitrary,
        async (drafts, rules, format) => {
          const files = filesOf(drafts);
          const expected = referenceSessionize(files.reference, { ...rules, inputFormat: format });
          const actual = await productionSessionize(files.production, rules, format);
          expect(actual.sessions).toEqual(expected.sessions);
          expect(actual.rejected).toBe(expected.rejected);
          // Each rejected record, by its file and place: the line of NDJSON, the element of an array.
          expect(actual.rejections.map(placeOf)).toEqual(expected.rejectedAt);
          expect(
            actual.summaries.filter((file) => file.error !== undefined).map((file) => file.file),
          ).toEqual(expected.notExports);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('gives the same sessions however the events are split into files, ordered and duplicated', async () => {
    const arrangement = exportLinesArbitrary(ALL_FORMATS, { maxLines: 40 }).chain((lines) =>
      fc.record({
        lines: fc.constant(lines),
        order: fc.shuffledSubarray(lines, { minLength: lines.length }),
        copies: fc.subarray(lines),
        filesPerFormat: fc.integer({ min: 1, max: 3 }),
        fileOf: fc.array(fc.nat({ max: 2 }), { minLength: 2 * lines.length, maxLength: 2 * lines.length }),
        gzip: fc.boolean(),
        rules: sessionRulesArbitrary,
      }),
    );
    // Each file holds one format's lines (and some garbage), so that `auto` reads every arrangement alike.
    const formatOf = (line: ExportLine) => (line.format === 'garbage' ? 'segment' : line.format);
    const draftsOf = (groups: Map<string, ExportLine[]>, gzip: boolean): FileDraft[] =>
      [...groups.values()].map((lines) => ({ lines, asArray: false, gzip, blankLines: false }));
    await fc.assert(
      fc.asyncProperty(arrangement, async ({ lines, order, copies, filesPerFormat, fileOf, gzip, rules }) => {
        const byFormat = groupBy(lines, formatOf);
        const dealt = groupBy(
          [...order, ...copies],
          (line, index) => `${formatOf(line)}-${(fileOf[index] ?? 0) % filesPerFormat}`,
        );
        const once = await productionSessionize(filesOf(draftsOf(byFormat, false)).production, rules, 'auto');
        const splitFiles = filesOf(draftsOf(dealt, gzip).reverse());
        const split = await productionSessionize(splitFiles.production, rules, 'auto');
        expect(split.sessions).toEqual(once.sessions);
        // And what the spec-literal reference computes from the split files, so that both arrangements
        // agreeing on a wrong answer does not pass.
        const expected = referenceSessionize(splitFiles.reference, { ...rules, inputFormat: 'auto' });
        expect(split.sessions).toEqual(expected.sessions);
        expect(split.rejections.map(placeOf)).toEqual(expected.rejectedAt);
        // The same records rejected for the same reasons, in whichever file they came.
        expect(reasons(split.rejections)).toEqual(reasons(once.rejections));
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
