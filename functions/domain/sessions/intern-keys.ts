import type { CampaignFields, DeviceFields, PageFields } from '../events/event.js';

/**
 * Interning keys made of texts: U+0000, each text's length plus one as a code unit (0 for null), then the
 * texts. Unambiguous, and cheaper than JSON.stringify, which is left for values that are not short texts:
 * its output never holds a raw U+0000, so the two forms never meet. Display texts are cut far below the
 * longest length a code unit holds.
 */
const LONGEST_CODED = 0xfffe;

function coded(text: string | null): boolean {
  return text === null || text.length <= LONGEST_CODED;
}

function lengthCode(text: string | null): number {
  return text === null ? 0 : text.length + 1;
}

/** Only pages with a field that is no text come here (PageTable keys the others by their texts' numbers). */
export function pageKey(page: PageFields): string {
  const { url, path, title, referrer } = page;
  return JSON.stringify([url, path, title, referrer]);
}

export function deviceKey(device: DeviceFields): string {
  const { type, os, browser } = device;
  if (!coded(type) || !coded(os) || !coded(browser)) return JSON.stringify(device);
  const lengths = String.fromCharCode(0, lengthCode(type), lengthCode(os), lengthCode(browser));
  return lengths + (type ?? '') + (os ?? '') + (browser ?? '');
}

/** Campaigns are rare enough that JSON serves. */
export function campaignKey(campaign: CampaignFields): string {
  return JSON.stringify(campaign);
}
