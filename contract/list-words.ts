/**
 * Words as a sentence lists them: `a`, `a and b`, `a, b and c` (no serial comma), with the conjunction the
 * sentence needs: `or` where a message says what a setting may be, `and` where it names fields all missing.
 * Shared by the stage config's refusals and the ingest's rejection reasons, so that both list alike.
 */
export function listWords(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}
