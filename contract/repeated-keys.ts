/**
 * Shared by the local stack (SESSION_GAP_MINUTES_BY_PLATFORM, SESSIONIZER_SOURCES) and the CLI's
 * `--gap-by-platform` JSON form.
 *
 * The keys a JSON text gives twice in one object, each once, in the order their second appearance comes.
 * JSON.parse keeps the last of them without a word, so a list of gaps that names a platform twice would be
 * taken with the second gap, where the CLI's `--gap-by-platform ios=5,ios=6` is refused. Only for text that
 * JSON.parse has read (its strings are well formed); keys are compared decoded (`"\u0069os"` is `ios`).
 */
export function repeatedKeys(json: string): string[] {
  // One set of keys per open object; null for an open array.
  const open: (Set<string> | null)[] = [];
  const repeated = new Set<string>();
  let expectingKey = false;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (char === '"') {
      let end = at + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (expectingKey && keys) {
        const key = JSON.parse(json.slice(at, end + 1)) as string;
        if (keys.has(key)) repeated.add(key);
        keys.add(key);
      }
      at = end;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      expectingKey = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
      expectingKey = false;
    } else if (char === ',') {
      expectingKey = open.at(-1) != null;
    } else if (char === ':') {
      expectingKey = false;
    }
  }
  return [...repeated];
}

/**
 * A JSON text read as JSON.parse reads it, with the keys it gives twice (`repeatedKeys`), or why it is no JSON:
 * what the local stack's JSON variables and the CLI's JSON `--gap-by-platform` check alike, each in its own words.
 */
export function parseJsonWithRepeats(
  text: string,
): { readonly value: unknown; readonly repeated: string[] } | { readonly syntaxError: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { syntaxError: error instanceof Error ? error.message : String(error) };
  }
  return { value, repeated: repeatedKeys(text) };
}
