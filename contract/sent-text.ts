/**
 * A page field or campaign member as sent (rule 9: any JSON value, usually a string) as the text the report and
 * the viewer show, one text per distinct value: a string as is, any other value as its JSON, and a string
 * that would read as another value quoted as JSON writes it: one that is itself JSON text (`"5"` beside the
 * number `5`, `"true"` beside `true`) and one that white space starts or ends (`" "`, `"google "`, apart from
 * `google`). The quotes are in the text, not in a style: they survive copying, zoom and forced colours.
 * Null (or absent) is null; `""` stays `""`, which each reader takes as empty.
 */
export function sentText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return JSON.stringify(value);
  return value.trim() !== value || isJsonText(value) ? JSON.stringify(value) : value;
}

/** Every JSON text starts with one of these once trimmed (and a text with white space around it is quoted anyway). */
const JSON_TEXT_START = /^[-0-9"{[tfn]/;

/**
 * Whether a text is JSON text. Of a text {@link sentText} gave, that says it is a value other than a string,
 * or a string it quoted: a string it gives as is never parses as JSON, since it would have been quoted. JSON
 * text's backslashes are escapes already, which a reader that escapes must not escape again.
 */
export function isJsonText(text: string): boolean {
  if (!JSON_TEXT_START.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
