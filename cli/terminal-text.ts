// The escaping is shared with the viewer, which shows urls with it.
import { escapeControl, escapeControlOfEscaped } from '../contract/visible-text.js';

/** Printable ASCII only: one column per character, the common case of every cell. */
const ASCII = /^[\u0020-\u007e]*$/;
/**
 * One column per UTF-16 unit too: no combining mark, format character, surrogate (emoji) or character from
 * U+1100 up, where the wide ones are. Latin, Greek, Cyrillic, Hebrew and most Arabic text skip the walk by character.
 */
const NARROW = /^[^\p{M}\p{Cf}\u1100-\uffff\u{10000}-\u{10ffff}]*$/u;
/**
 * A character a terminal draws two columns wide: an emoji shown as one, or an East Asian wide character
 * (Unicode's East_Asian_Width W and F: CJK, kana, Hangul, the Yijing hexagrams, Tangut and Khitan, …).
 */
const WIDE =
  /^(?:\p{Emoji_Presentation}|[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]|[\u{16fe0}-\u{16fe4}\u{16ff0}-\u{16ff1}\u{17000}-\u{18cd5}\u{18d00}-\u{18d08}\u{1aff0}-\u{1affe}\u{1b000}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{3fffd}])$/u;
/**
 * A character that takes no column of its own: a nonspacing or enclosing mark (variation selectors too), a
 * format character, or a Hangul vowel or final jamo, which joins the leading jamo before it into one syllable
 * block (Korean text in NFD, as macOS file names and some exports spell it). A spacing mark (Devanagari's
 * vowel sign ि, Tamil's ி) takes a column of its own, as wcwidth counts them.
 */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff]$/u;
const MARK = /^\p{M}$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const MODIFIER_BASE = /^\p{Emoji_Modifier_Base}$/u;
const MODIFIER = /^\p{Emoji_Modifier}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;

/**
 * The columns each character of `text` adds, in order: 0 for one that joins the character before (a
 * combining mark, the parts of a ZWJ emoji sequence, a skin tone, the second of a flag's two letters), 2 for
 * a wide one; and whether it belongs with the character before it (those, and any mark), where no cut falls.
 */
function* columns(text: string): Generator<readonly [string, number, boolean]> {
  let previous = '';
  let joining = false;
  let pendingFlag = false;
  for (const char of text) {
    let width: number;
    if (joining && PICTOGRAPH.test(char)) width = 0;
    else if (char === '\ufe0f') width = PICTOGRAPH.test(previous) && !WIDE.test(previous) ? 1 : 0;
    // A skin tone after a hand or face colours it, drawn in the same two columns, as a ZWJ sequence is.
    else if (MODIFIER.test(char) && MODIFIER_BASE.test(previous)) width = 0;
    else if (ZERO.test(char)) width = 0;
    else if (REGIONAL_INDICATOR.test(char)) {
      width = pendingFlag ? 0 : 2;
      pendingFlag = !pendingFlag;
    } else width = WIDE.test(char) ? 2 : 1;
    if (!REGIONAL_INDICATOR.test(char)) pendingFlag = false;
    joining = char === '\u200d';
    if (width > 0) previous = char;
    yield [char, width, width === 0 || MARK.test(char)];
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
  return cutCell(escapeControl(text), width);
}

/** {@link tableCell} of text escaped already (JSON text, made visible by escapeControlOfEscaped). */
export function cutCell(escaped: string, width: number): string {
  if (displayWidth(escaped) <= width) return escaped;
  if (ASCII.test(escaped) || NARROW.test(escaped)) return `${escaped.slice(0, width - 1)}…`;
  let cut = '';
  let used = 0;
  let full = false;
  // Where the character the ones joining it belong to starts: a cut falls there, never inside.
  let start = 0;
  for (const [char, columnsOf, joins] of columns(escaped)) {
    if (!joins) start = cut.length;
    if (columnsOf > 0) full = used + columnsOf > width - 1;
    if (full) {
      // A spacing mark that does not fit leaves with the letter it belongs to.
      if (joins) cut = cut.slice(0, start);
      break;
    }
    cut += char;
    used += columnsOf;
  }
  return `${cut}…`;
}

/**
 * A value a message quotes, as it is: the CLI escapes each message whole as it prints it (escapeControl), so
 * JSON.stringify's escapes would show escaped twice (a tab as `\\t`, a backslash as four).
 */
export function quoted(text: string): string {
  return `"${text}"`;
}

/**
 * A rejection's reason, made visible for a terminal: a reason quotes what was sent as JSON text, whose
 * backslashes are escapes already (a sent backslash is `\\`, a tab `\t`), so only what JSON leaves raw (a
 * bidirectional control, U+2028, a C1 control) is escaped here; doubling the backslashes would show a tab
 * sent as `\\t`.
 */
export function reasonText(reason: string): string {
  return escapeControlOfEscaped(reason);
}
