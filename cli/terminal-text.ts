/**
 * Control characters; the characters Unicode calls default-ignorable, drawn as nothing, which make two ids
 * look alike or reorder a line (zero-width spaces and joiners, soft hyphen, the bidirectional marks,
 * embeddings, overrides and isolates, variation selectors, Hangul fillers, BOM, tag characters); the
 * interlinear annotation marks; lone surrogates (which a page or terminal shows as one replacement mark); and
 * the backslash, so that an escape never reads like text that was sent (`a\x00b` and `a\\x00b`).
 */
const UNSHOWABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each mark is matched alone, to be escaped
  /[\\\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|\ud82f[\udca0-\udca3]|\ud834[\udd73-\udd7a]|\udb40[\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ANY_UNSHOWABLE = new RegExp(UNSHOWABLE.source);

/** After one of these, a zero-width joiner or a variation selector is part of an emoji sequence. */
const EMOJI_PART = /(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}]|\u{fe0f})$/u;
/**
 * Between two letters of a script that joins them (Arabic, Persian, the Indic scripts), a zero-width
 * non-joiner or joiner changes how they are drawn; between Latin, Greek or Cyrillic letters it only hides.
 */
const JOINED_LETTER = /^[\p{L}\p{M}]$/u;
const UNJOINED_SCRIPT = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]$/u;

/** Whether `char` at `offset` of `text` is a joiner or selector that is part of what `text` draws. */
function partOfDrawing(char: string, offset: number, text: string): boolean {
  if (char !== '\u200c' && char !== '\u200d' && char !== '\ufe0e' && char !== '\ufe0f') return false;
  const before = text.slice(Math.max(0, offset - 2), offset);
  if (char !== '\u200c' && EMOJI_PART.test(before)) return true;
  if (char === '\ufe0e' || char === '\ufe0f') return false;
  const previous = [...before].pop() ?? '';
  const next = String.fromCodePoint(text.codePointAt(offset + 1) ?? 0x20);
  return (
    JOINED_LETTER.test(previous) &&
    !UNJOINED_SCRIPT.test(previous) &&
    JOINED_LETTER.test(next) &&
    !UNJOINED_SCRIPT.test(next)
  );
}

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
  return text.replace(UNSHOWABLE, (char, offset: number) => {
    if (partOfDrawing(char, offset, text)) return char;
    const code = char.codePointAt(0) as number;
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    if (char === '\\') return '\\\\';
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : code <= 0xffff
        ? `\\u${code.toString(16).padStart(4, '0')}`
        : `\\u{${code.toString(16)}}`;
  });
}

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
  const escaped = escapeControl(text);
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
