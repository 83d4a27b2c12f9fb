import type { RecordPosition } from '../reading/read-export.js';
import type { Candidates } from './candidates.js';
import type { EventColumns } from './event-columns.js';

/** Where an accepted event came from: enough to report it, and to read it again for a tie-break. */
export type SourceRef = RecordPosition;

/** Canonical JSON of the objects as sent, for the rare tie-breaks that need it, keyed by {@link sourceKey}. */
export type CanonicalLookup = (sources: readonly SourceRef[]) => Promise<ReadonlyMap<string, string>>;

export function sourceKey(source: Pick<SourceRef, 'file' | 'record'>): string {
  return `${source.record}\u0000${source.file}`;
}

/**
 * Rule 3's and rule 8's last tie-break: the canonical JSON of every candidate that needs it, read in one
 * lookup; then, for each set of candidates, the one whose text sorts first. Candidates with one text (one
 * object read in two formats, by two files) go by `equalTextOrder` (negative: the first is kept), the order the
 * store breaks them by, so that neither the order of the files nor the path decides.
 */
export async function tiePicker(
  columns: Pick<EventColumns, 'source'>,
  canonicalOf: CanonicalLookup,
  sets: Iterable<Candidates>,
  equalTextOrder: (a: number, b: number) => number,
): Promise<(candidates: Candidates) => number> {
  const sources: SourceRef[] = [];
  for (const { best, ties } of sets) {
    if (ties === undefined || !ties.differs) continue;
    for (const at of [best, ...ties.copies]) sources.push(columns.source(at));
  }
  const canonical = sources.length === 0 ? new Map<string, string>() : await canonicalOf(sources);
  const textOf = (at: number) => canonical.get(sourceKey(columns.source(at))) ?? '';
  return (candidates) => {
    if (candidates.ties === undefined || !candidates.ties.differs) return candidates.best;
    let best = candidates.best;
    let bestText = textOf(best);
    for (const tie of candidates.ties.copies) {
      const text = textOf(tie);
      if (text < bestText || (text === bestText && equalTextOrder(tie, best) < 0)) {
        best = tie;
        bestText = text;
      }
    }
    return best;
  };
}
