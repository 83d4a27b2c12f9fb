/** Names, urls, titles, referrers and campaign members are shown cut to this many UTF-16 code units. */
export const MAX_DISPLAY_LENGTH = 1024;

/** The first 1,024 code units, or 1,023 when the 1,024th is a high surrogate (never half a character). */
export function cutForDisplay(text: string): string {
  if (text.length <= MAX_DISPLAY_LENGTH) return text;
  const last = text.charCodeAt(MAX_DISPLAY_LENGTH - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_DISPLAY_LENGTH - 1 : MAX_DISPLAY_LENGTH);
}
