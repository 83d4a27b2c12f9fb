// Characters that must not reach a terminal, a log or a page raw, and their visible escapes: shared by the CLI
// (its table, CSV and HTML report) and the viewer (the urls it shows).
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

/**
 * After one of these, a zero-width joiner or a variation selector is part of an emoji sequence. Property
 * escapes here and below are alternatives, never a character class followed by `$`: Chromium 150's V8 finds
 * no match for `/[\p{Extended_Pictographic}]$/u` on a character beyond the BMP (every emoji), which `\p{…}$`
 * alone and Node's V8 match.
 */
const EMOJI_PART = /(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{fe0f})$/u;
/**
 * Between two letters of a script that joins them (Arabic, Persian, the Indic scripts), a zero-width
 * non-joiner or joiner changes how they are drawn; between Latin, Greek or Cyrillic letters it only hides.
 */
const JOINED_LETTER = /^(?:\p{L}|\p{M})$/u;
const UNJOINED_SCRIPT = /^(?:\p{Script=Latin}|\p{Script=Greek}|\p{Script=Cyrillic})$/u;

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
  return escapeWith(text, true);
}

/**
 * {@link escapeControl} for text in which every backslash is an escape already (a sent backslash written
 * `\\`, as JSON text writes one): its backslashes stay, so its escapes do not show escaped twice.
 */
export function escapeControlOfEscaped(text: string): string {
  return escapeWith(text, false);
}

/**
 * JSON text made visible as JSON still: what JSON.stringify leaves raw (bidirectional controls, U+2028, DEL
 * and C1, a lone surrogate) as `\u` escapes, its own escapes as they are, so it parses back to the same value.
 */
export function escapeControlInJson(json: string): string {
  return escapeWith(json, false, true);
}

/** A run of text as it is, or the escape written for one character, with that character. */
export type VisiblePart = string | { readonly escape: string; readonly char: string };

/**
 * {@link escapeControlOfEscaped} in parts, each escape apart from the text around it: a page can then show
 * the escapes it wrote unlike a backslash the text holds (`\u202e` typed reads as it is, U+202E as an escape),
 * where text that is not JSON text may hold a backslash that is no escape (a message quoting what was typed).
 */
export function escapedParts(text: string): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let from = 0;
  for (const match of text.matchAll(UNSHOWABLE)) {
    const written = escapeOf(match[0], match.index, text, false);
    if (written === match[0]) continue;
    if (match.index > from) parts.push(text.slice(from, match.index));
    parts.push({ escape: written, char: match[0] });
    from = match.index + match[0].length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

function escapeWith(text: string, backslashes: boolean, json = false): string {
  return text.replace(UNSHOWABLE, (char, offset: number) => escapeOf(char, offset, text, backslashes, json));
}

/** The escape of `char` at `offset` of `text`, or `char` itself when it stays. */
function escapeOf(char: string, offset: number, text: string, backslashes: boolean, json = false): string {
  if (partOfDrawing(char, offset, text) || (char === '\\' && !backslashes)) return char;
  if (json)
    return char
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('');
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
}
