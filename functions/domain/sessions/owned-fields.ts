import { CAMPAIGN_MEMBERS, type CampaignFields, type DeviceFields } from '../events/event.js';
import { ownedText } from '../reading/owned-text.js';

/**
 * Copies of an event's campaign and device whose strings hold nothing of the record they were read
 * from, for the interner to keep (owned-text.ts says why). Other JSON values come from JSON.parse, which
 * never slices.
 */

function owned<V>(value: V): V {
  return (typeof value === 'string' ? ownedText(value) : value) as V;
}

export function ownedCampaign(campaign: CampaignFields): CampaignFields {
  return Object.fromEntries(
    CAMPAIGN_MEMBERS.map((member) => [member, owned(campaign[member])]),
  ) as CampaignFields;
}

export function ownedDevice(device: DeviceFields): DeviceFields {
  return { type: owned(device.type), os: owned(device.os), browser: owned(device.browser) };
}
