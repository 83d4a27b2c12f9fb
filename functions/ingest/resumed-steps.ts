import { digestOf, type IngestProgress, type MergeProgress } from './progress.js';

/**
 * The steps of a chunk an earlier delivery stopped inside (its `partial` progress): the links and owners that
 * delivery got through are skipped, and count as done once their names prove them the same ones in the same
 * order.
 */
export class ResumedSteps {
  private checked: boolean;
  private holds = false;

  constructor(
    private readonly progress: MergeProgress,
    private readonly resume: NonNullable<IngestProgress['partial']> | undefined,
  ) {
    this.checked = resume === undefined;
  }

  /** The index of the step named `name` in the chunk's progress, or 'skip' for one done already. */
  place(name: string): number | 'skip' {
    const index = this.progress.offerStep(name);
    if (this.resume !== undefined && index < this.resume.owners) return 'skip';
    this.check();
    return index;
  }

  /** Once the steps the progress names have all been handed out (or the chunk has run out of steps). */
  check(): void {
    const resume = this.resume;
    if (resume === undefined || this.checked) return;
    this.checked = true;
    const names = this.progress.stepNames(resume.owners);
    this.holds = names.length === resume.owners && digestOf(names) === resume.ownersDigest;
    if (this.holds) for (let index = 0; index < resume.owners; index++) this.progress.finishStep(index);
  }

  /** After {@link check}: how many steps were skipped though they are not the ones done (0 when they are). */
  get skippedAmiss(): number {
    return this.resume === undefined || this.holds ? 0 : this.resume.owners;
  }
}
