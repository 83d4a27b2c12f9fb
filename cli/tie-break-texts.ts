import { memberLimit } from '../functions/domain/reading/member-limit.js';
import { readRecordTexts } from '../functions/domain/reading/record-texts.js';
import { canonicalJson } from '../functions/domain/rules/canonical-json.js';
import { type SourceRef, sourceKey } from '../functions/domain/sessions/collector.js';
import { readProblem } from './directory-files.js';
import type { RunFiles } from './run-files.js';

// Ties between copies (rules 3 and 8) are broken by the objects as sent: the run reads those records again
// from its inputs, which must still hold what was read the first time.

/** An input read again: a pipe's bytes were kept in a temporary file (`inputs.ts`) for this. */
interface RereadInput {
  readonly name: string;
  open(): AsyncIterable<Uint8Array>;
}

/** The run's member limit: a reading again must use the first one's. */
type MemberLimits = Parameters<typeof memberLimit>[0];

/**
 * An input that no longer holds what was read from it, found when a tie-break (rules 3 and 8) reads records
 * again: the run cannot decide the tie as a batch over what it read would.
 */
export class InputChangedError extends Error {
  constructor(file: string, why: string) {
    super(
      `${file}: ${why} when reading it again for a tie-break between copies; run again once it stays put`,
    );
    this.name = 'InputChangedError';
  }
}

async function recordTexts(
  input: RereadInput,
  file: string,
  records: ReadonlySet<number>,
  limits: MemberLimits,
) {
  let texts: Map<number, string>;
  try {
    texts = await readRecordTexts(input.name, input.open(), file, records, {
      ...memberLimit(limits),
      reopen: () => input.open(),
    });
  } catch (error) {
    throw new InputChangedError(file, `cannot read: ${readProblem(error)}`);
  }
  for (const record of records) {
    if (!texts.has(record)) throw new InputChangedError(file, `record ${record} is gone`);
  }
  return texts;
}

/** Canonical JSON of the objects as sent at the given positions, read again from their inputs. */
export async function canonicalFromInputs(
  files: RunFiles<RereadInput>,
  sources: readonly SourceRef[],
  limits: MemberLimits,
): Promise<Map<string, string>> {
  const byFile = new Map<string, Set<number>>();
  for (const source of sources) {
    const records = byFile.get(source.file) ?? new Set<number>();
    records.add(source.record);
    byFile.set(source.file, records);
  }
  const canonical = new Map<string, string>();
  for (const [runName, records] of byFile) {
    const origin = files.origin(runName);
    if (origin === undefined) continue;
    const { input, file } = origin;
    for (const [record, text] of await recordTexts(input, file, records, limits)) {
      let sent: unknown;
      try {
        sent = JSON.parse(text);
      } catch {
        throw new InputChangedError(file, `record ${record} is no longer JSON`);
      }
      canonical.set(sourceKey({ file: runName, record }), canonicalJson(sent));
    }
  }
  return canonical;
}
