/**
 * Control characters, the bidirectional controls (the Arabic letter mark, LRM, RLM, the embeddings,
 * overrides and isolates), invisible characters that make two ids look alike (zero-width space, word joiner,
 * soft hyphen, fillers, BOM) and lone surrogates (which a page or terminal shows as one replacement mark);
 * and the backslash, so that an escape never reads like text that was sent (`a\x00b` and `a\\x00b`).
 */
const UNSHOWABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\\\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ANY_UNSHOWABLE = new RegExp(UNSHOWABLE.source);

/** Whether {@link escapeControl} would change `text`: fast paths ask this rather than repeat its characters. */
export function hasUnshowable(text: string): boolean {
  return ANY_UNSHOWABLE.test(text);
}

/**
 * Text from a bad file (NUL bytes from a UTF-16 export, escape sequences) must never reach a terminal or a
 * log raw, and ids must stay told apart: such characters become visible escapes. With a bidirectional
 * control an id such as `a\u202Eevil` would show reversed and reorder the rest of its line; with an invisible
 * one `admin\u200B` would show as `admin`.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSHOWABLE, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    if (char === '\\') return '\\\\';
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Printable ASCII only: one column per character, the common case of every cell. */
const ASCII = /^[\u0020-\u007e]*$/;
/**
 * One column per UTF-16 unit too: no combining mark, format character, surrogate (emoji) or character from
 * U+1100 up, where the wide ones are. Latin, Greek, Cyrillic, Hebrew and most Arabic text skip the walk by character.
 */
const NARROW = /^[^\p{M}\p{Cf}\u1100-\uffff\u{10000}-\u{10ffff}]*$/u;
/** A character a terminal draws two columns wide: an emoji shown as one, or an East Asian wide character. */
const WIDE =
  /^(?:\p{Emoji_Presentation}|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]|[\u{1b000}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{3fffd}])$/u;
/** A character that takes no column of its own: a combining mark (variation selectors too) or a format character. */
const ZERO = /^[\p{M}\p{Cf}]$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;

/**
 * The columns each character of `text` adds, in order: 0 for one that joins the character before (a
 * combining mark, the parts of a ZWJ emoji sequence, the second of a flag's two letters), 2 for a wide one.
 */
function* columns(text: string): Generator<readonly [string, number]> {
  let previous = '';
  let joining = false;
  let pendingFlag = false;
  for (const char of text) {
    let width: number;
    if (joining && PICTOGRAPH.test(char)) width = 0;
    else if (char === '\ufe0f') width = PICTOGRAPH.test(previous) && !WIDE.test(previous) ? 1 : 0;
    else if (ZERO.test(char)) width = 0;
    else if (REGIONAL_INDICATOR.test(char)) {
      width = pendingFlag ? 0 : 2;
      pendingFlag = !pendingFlag;
    } else width = WIDE.test(char) ? 2 : 1;
    if (!REGIONAL_INDICATOR.test(char)) pendingFlag = false;
    joining = char === '\u200d';
    if (width > 0) previous = char;
    yield [char, width];
  }
}

/** Columns `text` takes in a terminal: wide characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  if (ASCII.test(text) || NARROW.test(text)) return text.length;
  let width = 0;
  for (const [, columnsOf] of columns(text)) width += columnsOf;
  return width;
}

/** `text` followed (or, `start`, preceded) by spaces up to `width` columns. */
export function padColumns(text: string, width: number, start = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return start ? fill + text : text + fill;
}

/**
 * One line of a fixed-width table: escaped, and cut with an ellipsis past `width` columns. A cut falls
 * between characters, never inside an emoji's surrogate pair, a ZWJ sequence or before a combining mark.
 */
export function tableCell(text: string, width: number): string {
  const escaped = escapeControl(text);
  if (displayWidth(escaped) <= width) return escaped;
  if (ASCII.test(escaped) || NARROW.test(escaped)) return `${escaped.slice(0, width - 1)}…`;
  let cut = '';
  let used = 0;
  let full = false;
  for (const [char, columnsOf] of columns(escaped)) {
    // A character of no width of its own stays with the one before it; a cut falls only before a new one.
    if (columnsOf > 0) full = used + columnsOf > width - 1;
    if (full) break;
    cut += char;
    used += columnsOf;
  }
  return `${cut}…`;
}
