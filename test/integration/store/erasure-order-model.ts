// What the store holds, and what each delivery refuses as erased, when deliveries, erasures and rebuilds that
// turn stitching on and off come in any order (docs/operations.md, "The suppression entry"). Unlike
// erasure-model.ts it follows the store step by step, so a file need not be delivered again after each
// erasure. It asks of the scenario that all link lines (userId and anonymousId) are in files of their own and
// that each anonymousId is linked to one user at most: then only a delivery of links or a rebuild links an
// anonymousId, and the earliest link (rule 8) is never in question.

export interface Line {
  readonly text: string;
  readonly userId?: string;
  readonly anonymousId?: string;
  readonly messageId: string;
}

export class ErasureOrderModel {
  private stitching: boolean;
  /** Ids the operator erased (the head's erased flag). */
  private readonly erased = new Set<string>();
  /** AnonymousIds erased with the user they were stitched to (`ea`). */
  private readonly erasedWith = new Set<string>();
  /** The store's links, with stitching on. */
  private readonly links = new Map<string, string>();
  /** The lines stored (one entry per text: copies are one event). */
  private readonly stored = new Map<string, Line>();

  constructor(stitching: boolean) {
    this.stitching = stitching;
  }

  /** The user a line's event belongs to now (rule 2, or rule 8's link with stitching): its merge's partition. */
  partition(line: Line): string {
    if (line.userId !== undefined) return line.userId;
    const anonymousId = line.anonymousId as string;
    return (this.stitching ? this.links.get(anonymousId) : undefined) ?? anonymousId;
  }

  /**
   * Whether a delivery now refuses `line`: every event of an erased userId; an anonymous event of an erased
   * anonymousId (erased itself or with its user) or of one stitched to an erased user. A userId equal to an
   * anonymousId erased with its user is someone else's, refused only when that id was erased itself.
   */
  refuses(line: Line): boolean {
    if (line.userId !== undefined) return this.erased.has(line.userId);
    const anonymousId = line.anonymousId as string;
    return (
      this.erased.has(anonymousId) ||
      this.erasedWith.has(anonymousId) ||
      this.erased.has(this.partition(line))
    );
  }

  /**
   * A delivery of `lines` (one chunk): its links first (all of them, refused or not), then its events; which
   * lines its report names as erased. Without stitching an anonymousId erased with its user shares its
   * partition, and so its merge, with the user whose userId is that id: a device's copy of an event that user's
   * copy brings along is a duplicate of the copy stored, not reported.
   */
  deliver(lines: readonly Line[]): boolean[] {
    if (this.stitching) {
      for (const line of lines) {
        if (line.userId === undefined || line.anonymousId === undefined) continue;
        this.offerLink(line.anonymousId, line.userId);
      }
    }
    const refused = lines.map((line) => this.refuses(line));
    lines.forEach((line, k) => {
      if (!refused[k]) this.stored.set(line.text, line);
    });
    return lines.map((line, k) => {
      if (!refused[k] || this.stitching || line.userId !== undefined) return refused[k] as boolean;
      const taken = lines.some(
        (other, n) =>
          !refused[n] &&
          other.userId === line.anonymousId &&
          other.anonymousId === undefined &&
          other.messageId === line.messageId,
      );
      return !taken;
    });
  }

  /**
   * An erased anonymousId takes no link. A link to an erased user moves the anonymousId's stored anonymous
   * events there, and the ingest erases that user again: they go, and the anonymousId is erased with it.
   */
  private offerLink(anonymousId: string, user: string): void {
    if (this.erased.has(anonymousId) || this.erasedWith.has(anonymousId) || this.links.has(anonymousId))
      return;
    this.links.set(anonymousId, user);
    if (this.erased.has(user)) this.erase(user);
  }

  /** The operator erases `id`: what its partition holds goes, and with stitching its anonymousIds are erased with it. */
  erase(id: string): void {
    this.erased.add(id);
    if (this.stitching)
      for (const [anonymousId, user] of this.links) if (user === id) this.erasedWith.add(anonymousId);
    this.dropErased();
  }

  /**
   * A rebuild to rules with or without stitching. Turned on, every anonymousId not erased is linked by its
   * stored link events (an erased user's are gone); one erased with its user (`ea`) keeps the link it had, as
   * no rebuild moves it, and one erased itself takes none. Turned off, the links are forgotten, and each
   * anonymous event goes back to its anonymousId's partition, erased or not; the store forgets them too for an
   * anonymousId erased itself, even one erased with its user before (its head is unlinked, so a rebuild that
   * turns stitching on again finds it linked to no one).
   */
  rebuild(stitching: boolean): void {
    if (!stitching) for (const anonymousId of this.erased) this.links.delete(anonymousId);
    if (stitching && !this.stitching) {
      for (const anonymousId of this.links.keys())
        if (!this.erasedWith.has(anonymousId)) this.links.delete(anonymousId);
      for (const line of this.stored.values()) {
        if (line.userId === undefined || line.anonymousId === undefined) continue;
        if (!this.erased.has(line.anonymousId) && !this.erasedWith.has(line.anonymousId))
          this.links.set(line.anonymousId, line.userId);
      }
    }
    this.stitching = stitching;
    this.dropErased();
  }

  private dropErased(): void {
    for (const [text, line] of this.stored) {
      const anonymous = line.userId === undefined;
      if (
        this.erased.has(this.partition(line)) ||
        (anonymous && this.erasedWith.has(line.anonymousId as string))
      )
        this.stored.delete(text);
    }
  }

  /** The lines the store holds. */
  storedLines(): string[] {
    return [...this.stored.keys()];
  }

  isErased(id: string): boolean {
    return this.erased.has(id);
  }
}
