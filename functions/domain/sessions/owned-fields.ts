import type { CampaignFields, DeviceFields, PageFields, SentValue } from '../events/event.js';
import { ownedText } from '../reading/owned-text.js';

/**
 * Copies of an event's page, campaign and device whose strings hold nothing of the record they were read
 * from, for the interner to keep (owned-text.ts says why). Other JSON values come from JSON.parse, which
 * never slices.
 */

function ownedValue(value: SentValue): SentValue {
  return typeof value === 'string' ? ownedText(value) : value;
}

function ownedOrNull(value: string | null): string | null {
  return value === null ? null : ownedText(value);
}

export function ownedPage(page: PageFields): PageFields {
  return {
    url: ownedValue(page.url),
    path: ownedValue(page.path),
    title: ownedValue(page.title),
    referrer: ownedValue(page.referrer),
  };
}

export function ownedCampaign(campaign: CampaignFields): CampaignFields {
  return {
    source: ownedValue(campaign.source),
    medium: ownedValue(campaign.medium),
    name: ownedValue(campaign.name),
    term: ownedValue(campaign.term),
    content: ownedValue(campaign.content),
  };
}

export function ownedDevice(device: DeviceFields): DeviceFields {
  return { type: ownedOrNull(device.type), os: ownedOrNull(device.os), browser: ownedOrNull(device.browser) };
}
