/** A histogram bin: values from `min` (inclusive) to `max` (exclusive; null means no upper end). */
export interface BinDefinition {
  readonly label: string;
  readonly min: number;
  readonly max: number | null;
}

export interface HistogramBin extends BinDefinition {
  readonly count: number;
}

/**
 * Session lengths in whole seconds as a clock reads a session's start and end (clockSeconds), as the sample
 * timelines' tooltips and the viewer say them: 0 s (a bounce, or events within one second), then steps up to
 * six hours.
 */
export const DURATION_BINS: readonly BinDefinition[] = [
  { label: '0 s', min: 0, max: 0.001 },
  { label: '< 10 s', min: 0.001, max: 10 },
  { label: '10–30 s', min: 10, max: 30 },
  { label: '30 s–1 min', min: 30, max: 60 },
  { label: '1–2 min', min: 60, max: 120 },
  { label: '2–5 min', min: 120, max: 300 },
  { label: '5–10 min', min: 300, max: 600 },
  { label: '10–30 min', min: 600, max: 1800 },
  { label: '30–60 min', min: 1800, max: 3600 },
  { label: '1–2 h', min: 3600, max: 7200 },
  { label: '2–6 h', min: 7200, max: 21_600 },
  { label: '≥ 6 h', min: 21_600, max: null },
];

/** Events per session. */
export const EVENT_COUNT_BINS: readonly BinDefinition[] = [
  { label: '1', min: 1, max: 2 },
  { label: '2', min: 2, max: 3 },
  { label: '3–4', min: 3, max: 5 },
  { label: '5–9', min: 5, max: 10 },
  { label: '10–19', min: 10, max: 20 },
  { label: '20–49', min: 20, max: 50 },
  { label: '50–99', min: 50, max: 100 },
  { label: '100–499', min: 100, max: 500 },
  { label: '≥ 500', min: 500, max: null },
];

/** The bin a value falls in; values below the first bin count in the first. */
export function binIndex(bins: readonly BinDefinition[], value: number): number {
  for (let i = bins.length - 1; i > 0; i--) {
    if (value >= (bins[i] as BinDefinition).min) return i;
  }
  return 0;
}

/** Counts per bin, filled as values arrive; never holds the values themselves. */
export class Histogram {
  private readonly counts: number[];

  constructor(private readonly bins: readonly BinDefinition[]) {
    this.counts = bins.map(() => 0);
  }

  add(value: number): void {
    const index = binIndex(this.bins, value);
    this.counts[index] = (this.counts[index] ?? 0) + 1;
  }

  result(): HistogramBin[] {
    return this.bins.map((bin, i) => ({ ...bin, count: this.counts[i] ?? 0 }));
  }
}
