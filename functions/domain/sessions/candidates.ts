/**
 * The earliest copy seen (an event index), and every other copy at that same instant: when one of them looks
 * different (`differs`), canonical JSON decides, and a copy that looks like another may still be the one whose
 * text sorts first, so all of them are weighed.
 */
export interface Candidates {
  best: number;
  ties: Ties | undefined;
}

export interface Ties {
  readonly copies: number[];
  differs: boolean;
}

/** Offers copy `at` to candidates where `order` is its order against the best (negative: earlier). */
export function offerCandidate(candidates: Candidates, at: number, order: number, differs: boolean): void {
  if (order < 0) {
    candidates.best = at;
    candidates.ties = undefined;
  } else if (order === 0) {
    if (candidates.ties === undefined) candidates.ties = { copies: [at], differs };
    else {
      candidates.ties.copies.push(at);
      if (differs) candidates.ties.differs = true;
    }
  }
}
