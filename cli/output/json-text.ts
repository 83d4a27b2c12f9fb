const C1_CHAR = /[\u007f-\u009f]/;
const C1_CHARS = /[\u007f-\u009f]/g;

/** Nearly every text has none: testing first spares the replace's callback machinery on the whole output. */
export function escapeC1(json: string): string {
  if (!C1_CHAR.test(json)) return json;
  return json.replace(C1_CHARS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One value as JSON. JSON.stringify escapes the C0 control characters; DEL and the C1 range (U+0080-U+009F,
 * which some terminals obey) get `\u` escapes too, so no control character reaches a terminal raw.
 */
export function jsonText(value: unknown): string {
  return escapeC1(JSON.stringify(value));
}
