import { cutForDisplay } from './display-text.js';
import type { CampaignFields, SentValue } from './event.js';
import { parseFormUrlencoded } from './form-urlencoded.js';

const UTM_MEMBERS = [
  ['source', 'utm_source'],
  ['medium', 'utm_medium'],
  ['name', 'utm_campaign'],
  ['term', 'utm_term'],
  ['content', 'utm_content'],
] as const;

/**
 * The campaign in a url's `utm_*` query parameters (rule 9): form-urlencoded, between `?` and `#`, the first
 * of a repeated name; null unless one of them is non-empty. Reads the full url, however long.
 */
export function campaignFromUrl(url: string): CampaignFields | null {
  const query = url.indexOf('?');
  // Names may be %-encoded (`utm%5Fsource`): only a query with neither `utm_` nor `%` is skipped unread.
  if (query === -1 || (!url.includes('utm_', query) && !url.includes('%', query))) return null;
  const hash = url.indexOf('#');
  if (hash !== -1 && hash < query) return null;
  const firstValues = new Map<string, string>();
  for (const [name, value] of parseFormUrlencoded(url.slice(query + 1, hash === -1 ? url.length : hash))) {
    if (!firstValues.has(name)) firstValues.set(name, value);
  }
  let anyNonEmpty = false;
  const campaign: Record<string, SentValue> = {};
  for (const [member, parameter] of UTM_MEMBERS) {
    const value = firstValues.get(parameter) ?? null;
    if (value !== null && value !== '') anyNonEmpty = true;
    campaign[member] = value === null ? null : cutForDisplay(value);
  }
  return anyNonEmpty ? (campaign as CampaignFields) : null;
}
