import type { PageFields } from '../events/event.js';
import { pageKey } from './intern-keys.js';
import { Interner } from './interner.js';
import { ownedPage } from './owned-fields.js';

/** Pages sharing a url compared field by field; past this many, looked up by their joined key instead. */
const SCANNED_PER_URL = 8;
const KEYED = -1;

/**
 * The batch's distinct pages. Most page events repeat a page already seen, and joining its four texts into
 * a key to hash cost more than the lookup itself: a page whose fields are all texts is first looked for
 * among the few pages of its url. A new page, or one of a url with many pages, goes through the keyed
 * interner, which holds every page and decides its index.
 */
export class PageTable {
  private readonly keyed = new Interner<PageFields>(ownedPage);
  /** By url: the indexes of its pages, or {@link KEYED} once it has too many to scan. */
  private readonly byUrl = new Map<string, number[] | typeof KEYED>();

  get values(): readonly PageFields[] {
    return this.keyed.values;
  }

  get heldBytes(): number {
    return this.keyed.heldBytes + 16 * this.byUrl.size;
  }

  intern(page: PageFields): number {
    const { url, path, title, referrer } = page;
    if (
      typeof url !== 'string' ||
      typeof path !== 'string' ||
      typeof title !== 'string' ||
      typeof referrer !== 'string'
    )
      return this.keyed.intern(pageKey(page), page);
    const scanned = this.byUrl.get(url);
    if (scanned === KEYED) return this.keyed.intern(pageKey(page), page);
    if (scanned !== undefined) {
      for (const at of scanned) {
        const seen = this.keyed.values[at] as PageFields;
        if (seen.path === path && seen.title === title && seen.referrer === referrer) return at;
      }
    }
    const at = this.keyed.intern(pageKey(page), page);
    if (scanned === undefined) this.byUrl.set((this.keyed.values[at] as PageFields).url as string, [at]);
    else if (scanned.length < SCANNED_PER_URL) scanned.push(at);
    else this.byUrl.set(url, KEYED);
    return at;
  }
}
