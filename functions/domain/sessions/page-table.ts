import type { PageFields } from '../events/event.js';
import { type PlainEvent, PlainText } from '../reading/plain-event.js';
import { HashIndex } from './hash-slots.js';
import { pageKey } from './intern-keys.js';
import { Interner } from './interner.js';
import { ownedPage } from './owned-fields.js';
import { FNV_PRIME, HASH_SEED, hashSpan, SPAN_SLOTS, sameText } from './span-interner.js';

const PAGE_TEXTS = [PlainText.Url, PlainText.Path, PlainText.Title, PlainText.Referrer] as const;
/** Mixed into a page's hash for an absent field, which no text's length is. */
const ABSENT_FIELD = -1;

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
  /** The pages plain events brought, by the hash of their four texts' bytes. */
  private readonly spans = new HashIndex(SPAN_SLOTS);

  get values(): readonly PageFields[] {
    return this.keyed.values;
  }

  get heldBytes(): number {
    return this.keyed.heldBytes + 16 * this.byUrl.size + this.spans.heldBytes;
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

  /** The index of a plain event's page, found by its bytes; a page not found is made and interned as usual. */
  internPlain(event: PlainEvent): number {
    const { bytes, starts, ends } = event;
    let hash = HASH_SEED;
    for (const text of PAGE_TEXTS) {
      const start = starts[text] as number;
      hash =
        start === -1
          ? Math.imul(hash ^ ABSENT_FIELD, FNV_PRIME)
          : hashSpan(bytes, start, ends[text] as number, hash);
    }
    const spans = this.spans;
    for (let found = spans.find(hash); found !== -1; found = spans.findNext())
      if (samePage(this.keyed.values[found] as PageFields, event)) return found;
    const at = this.intern({
      url: event.text(PlainText.Url),
      path: event.text(PlainText.Path),
      title: event.text(PlainText.Title),
      referrer: event.text(PlainText.Referrer),
    });
    spans.add(at);
    return at;
  }
}

function sameField(value: unknown, event: PlainEvent, text: PlainText): boolean {
  const start = event.starts[text] as number;
  return start === -1 ? value === null : sameText(value, event.bytes, start, event.ends[text] as number);
}

function samePage(page: PageFields, event: PlainEvent): boolean {
  return (
    sameField(page.url, event, PlainText.Url) &&
    sameField(page.path, event, PlainText.Path) &&
    sameField(page.title, event, PlainText.Title) &&
    sameField(page.referrer, event, PlainText.Referrer)
  );
}
