/// <reference lib="dom" />
import { BASE64_ID_PREFIX, idOfBase64Id } from '../../contract/index.js';
import { h, notice } from './dom.js';
import { saidContent } from './error-text.js';
import { idText } from './format.js';
import { userLink } from './user-summary.js';

/** How the API's 404 for an unknown user begins when it goes on to say what the path likely meant. */
const NOT_FOUND_HINT = 'User not found; ';

/** Characters drawn as nothing: controls, line separators and Unicode's default-ignorables (U+200B, U+2060, …). */
const DRAWN_AS_NOTHING = /^[\p{Cc}\p{Default_Ignorable_Code_Point}\u2028\u2029]$/u;
/** Default-ignorable, but mostly part of what is drawn: an emoji sequence's joiner, a script's joined letters. */
const DRAWN_WITH_NEIGHBOURS = new Set(['\u200c', '\u200d', '\ufe0e', '\ufe0f']);

/** `U+200B as its character 6` for each character of `id` that draws as nothing. */
function hiddenCharacters(id: string): string[] {
  return [...id].flatMap((char, index) =>
    DRAWN_AS_NOTHING.test(char) && !DRAWN_WITH_NEIGHBOURS.has(char)
      ? [
          `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')} as its character ${index + 1}`,
        ]
      : [],
  );
}

/**
 * Why the API knows no user by `userId`, from its 404's `message`. `wasShown` when the user was on show until
 * now: no typo then, but an erasure.
 */
export function unknownUserNotice(userId: string, said: string, { wasShown = false } = {}): HTMLElement {
  // The API says which id exists when one is a slip away (a number as an export writes it, stored as
  // JavaScript writes it): that, not a typo, is then why. It may quote the id, whose controls show as escapes
  // as the id's own do, each apart from a backslash it quotes (saidContent): `said` is its message as sent.
  const hint = said.startsWith(NOT_FOUND_HINT) ? said.slice(NOT_FOUND_HINT.length) : '';
  // An id pasted with a zero-width space reads as the id without it, which the API may well know.
  const hidden = hiddenCharacters(userId);
  // A `~b64.` form typed or pasted (from an API path, a link) is looked up as typed, since an id may itself
  // start with the prefix: when no user has it, the id it stands for likely is the one meant.
  const meant = idOfBase64Id(userId);
  const form =
    meant === undefined || meant === ''
      ? null
      : h(
          'span',
          {},
          ' ',
          h('code', {}, idText(userId)),
          ` is the ${BASE64_ID_PREFIX} form of the id `,
          userLink(meant),
          `, which API paths and links write it as; typed here, an id is looked up as it is, since an id may itself start with ${BASE64_ID_PREFIX}.`,
        );
  return notice(
    'empty',
    'No user or anonymousId ',
    h('code', {}, idText(userId)),
    hint === '' ? ' is known to the API.' : ' is known to the API: ',
    hint === '' ? null : saidContent(hint),
    hint === '' ? null : '.',
    hidden.length === 0
      ? null
      : ` The id holds characters that do not show: ${hidden.join(', ')}; one pasted in with it is not part of the id.`,
    wasShown
      ? ' It was on show until now: its events were likely erased since it was opened.'
      : form !== null
        ? form
        : hint === ''
          ? // A typo is not the only cause: an id spelt right is unknown until one of its events is stored.
            ' Ids are case-sensitive; check for a typo. An id is not known either before its events are ' +
            'ingested, or when every event of it was rejected (the ingest’s rejection reports, under ' +
            'rejected/ in the bucket, give each one’s reason).'
          : null,
  );
}
