// One check for every command line here (sessionize, npm run replay, upload, erase, rebuild, viewer, generate):
// parseArgs keeps the last of an option given twice, so `--prefix a/ --prefix b/` would drop a/ without a word.

/** parseArgs's tokens (with `tokens: true`), as far as this reads them. */
type Tokens = readonly { kind: string; name?: string; value?: string | undefined }[] | undefined;

/**
 * What is wrong when an option that takes a value is given twice, with `hints[name]` after it, or undefined.
 * A flag given twice means what it means once (`npm run dlq -- --dry-run` repeats one), so it passes.
 */
export function repeatedOption(
  tokens: Tokens,
  hints: Readonly<Record<string, string>> = {},
): string | undefined {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || token.name === undefined || token.value === undefined) continue;
    if (seen.has(token.name)) return `--${token.name} is given twice; give it once${hints[token.name] ?? ''}`;
    seen.add(token.name);
  }
  return undefined;
}
