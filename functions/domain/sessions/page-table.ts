import type { PageFields, SentValue } from '../events/event.js';
import { type PlainEvent, PlainText } from '../reading/plain-event.js';
import { HashIndex } from './hash-slots.js';
import { pageKey } from './intern-keys.js';
import { textInterner } from './interner.js';
import { Fnv, hashSpan, SPAN_SLOTS, sameText } from './span-interner.js';

const PAGE_TEXTS = [PlainText.Url, PlainText.Path, PlainText.Title, PlainText.Referrer] as const;
/** Mixed into a page's hash for an absent field, which no text's length is. */
const ABSENT_FIELD = -1;

/** Pages sharing a url compared field by field; past this many, looked up by their key instead. */
const SCANNED_PER_URL = 8;
const KEYED = -1;

/** What a page costs beyond its key and texts: its object, map entry and slot (an estimate, as interner.ts's). */
const PAGE_ENTRY_BYTES = 96;

/**
 * The batch's distinct pages. Most page events repeat a page already seen, and joining its four texts into
 * a key to hash cost more than the lookup itself: a page whose fields are all texts is first looked for
 * among the few pages of its url. A new page, or one of a url with many pages, is found by its key, which
 * decides its index.
 *
 * A page is a url with each referrer it was reached from, so most pages repeat the url, path and title of
 * others: each distinct text is kept once ({@link texts}) and a page of texts is keyed by their numbers.
 * A page holding copies of its own, joined again into its key, took 19 MiB at 1M events of the benchmark's
 * realistic file (50k pages of 500 urls), where the shared texts take 0.1 MiB and the keys 1.6.
 */
export class PageTable {
  private readonly texts = textInterner();
  /** Pages of texts by the numbers of their texts ({@link textsKey}). */
  private readonly byTexts = new Map<string, number>();
  /** Pages with a field that is no text, by pageKey (rare). */
  private readonly byJson = new Map<string, number>();
  private readonly pages: PageFields[] = [];
  private pageBytes = 0;
  /** By url: the indexes of its pages, or {@link KEYED} once it has too many to scan. */
  private readonly byUrl = new Map<string, number[] | typeof KEYED>();
  /** The pages plain events brought, by the hash of their four texts' bytes. */
  private readonly spans = new HashIndex(SPAN_SLOTS);

  get values(): readonly PageFields[] {
    return this.pages;
  }

  get heldBytes(): number {
    return this.texts.heldBytes + this.pageBytes + 16 * this.byUrl.size + this.spans.heldBytes;
  }

  intern(page: PageFields): number {
    const { url, path, title, referrer } = page;
    if (
      typeof url !== 'string' ||
      typeof path !== 'string' ||
      typeof title !== 'string' ||
      typeof referrer !== 'string'
    )
      return this.keyed(this.byJson, pageKey(page), page);
    const scanned = this.byUrl.get(url);
    if (scanned === KEYED) return this.keyed(this.byTexts, this.textsKey(url, path, title, referrer), page);
    if (scanned !== undefined) {
      for (const at of scanned) {
        const seen = this.pages[at] as PageFields;
        if (seen.path === path && seen.title === title && seen.referrer === referrer) return at;
      }
    }
    const at = this.keyed(this.byTexts, this.textsKey(url, path, title, referrer), page);
    if (scanned === undefined) this.byUrl.set((this.pages[at] as PageFields).url as string, [at]);
    else if (scanned.length < SCANNED_PER_URL) scanned.push(at);
    else this.byUrl.set(url, KEYED);
    return at;
  }

  /**
   * The key of a page of texts: their numbers (each text numbered the first time a page holds it), each as
   * two code units, so one flat string of 8 where decimals joined by template made two strings and a rope.
   */
  private textsKey(url: string, path: string, title: string, referrer: string): string {
    const texts = this.texts;
    const u = texts.intern(url, url);
    const p = texts.intern(path, path);
    const t = texts.intern(title, title);
    const r = texts.intern(referrer, referrer);
    return String.fromCharCode(
      u >>> 16,
      u & 0xffff,
      p >>> 16,
      p & 0xffff,
      t >>> 16,
      t & 0xffff,
      r >>> 16,
      r & 0xffff,
    );
  }

  /** The index of the page under `key` in `byKey`, a new one made of `page`'s fields when there is none. */
  private keyed(byKey: Map<string, number>, key: string, page: PageFields): number {
    let at = byKey.get(key);
    if (at === undefined) {
      at = this.pages.length;
      this.pages.push({
        url: this.kept(page.url),
        path: this.kept(page.path),
        title: this.kept(page.title),
        referrer: this.kept(page.referrer),
      });
      byKey.set(key, at);
      this.pageBytes += PAGE_ENTRY_BYTES + 2 * key.length;
    }
    return at;
  }

  /**
   * A field as a page keeps it: a text as the one copy {@link texts} holds, which owns its characters
   * (owned-text.ts); other JSON values come from JSON.parse, which never slices.
   */
  private kept(value: SentValue): SentValue {
    if (typeof value !== 'string') return value;
    return this.texts.values[this.texts.intern(value, value)] as string;
  }

  /** The index of a plain event's page, found by its bytes; a page not found is made and interned as usual. */
  internPlain(event: PlainEvent): number {
    const { bytes, starts, ends } = event;
    let hash: number = Fnv.Seed;
    for (const text of PAGE_TEXTS) {
      const start = starts[text] as number;
      hash =
        start === -1
          ? Math.imul(hash ^ ABSENT_FIELD, Fnv.Prime)
          : hashSpan(bytes, start, ends[text] as number, hash);
    }
    const spans = this.spans;
    for (let found = spans.find(hash); found !== -1; found = spans.findNext())
      if (samePage(this.pages[found] as PageFields, event)) return found;
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
