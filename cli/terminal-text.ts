/**
 * Text from a bad file (NUL bytes from a UTF-16 export, escape sequences) must never reach a terminal or a
 * log raw: control characters become visible escapes.
 */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line of a fixed-width table: escaped, and cut with an ellipsis past `width` characters. */
export function tableCell(text: string, width: number): string {
  const escaped = escapeControl(text);
  return escaped.length <= width ? escaped : `${escaped.slice(0, width - 1)}…`;
}
