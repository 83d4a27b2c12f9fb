/**
 * Gives each name once: one already given gets ` (2)`, ` (3)`…, whatever is not taken yet. Files are told
 * apart by name (a copy read again for a tie-break, rules 3 and 8, is found by its file's name and record),
 * so two files must never share one.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  unique(name: string): string {
    let unique = name;
    for (let ordinal = 2; this.taken.has(unique); ordinal++) unique = `${name} (${ordinal})`;
    this.taken.add(unique);
    return unique;
  }
}
