import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import { erasedOf, refuseAll, refuseAnonymous } from '../../../../functions/domain/store/refusal.js';

const event = (id: string, userId: string | null, anonymousId: string | null): EventRecord => ({
  id,
  timestamp: 0,
  type: 'track',
  name: null,
  userId,
  anonymousId,
  platform: null,
  page: null,
  campaign: null,
  urlCampaign: null,
  device: null,
});

describe('what an erasure refuses of a merge', () => {
  it('refuses every event of an erased user, each id once', () => {
    const refusal = refuseAll([event('m:a', 'u', null), event('m:a', null, 'u'), event('m:b', 'u', 'd')]);
    expect(refusal.taken).toEqual([]);
    expect([...refusal.erased]).toEqual(['m:a', 'm:b']);
    expect(erasedOf(refusal)).toEqual({ erasedEvents: 2, erasedIds: refusal.erased });
  });

  it('refuses only the anonymous events of an anonymousId erased with its user', () => {
    const own = event('m:own', '42', null);
    const self = event('m:self', '42', '42');
    const taken = refuseAnonymous([own, event('m:anon', null, '42'), self]);
    expect(taken.taken).toEqual([own, self]);
    expect([...taken.erased]).toEqual(['m:anon']);
  });

  it('refuses no id a copy with a userId stores, whichever copy comes first', () => {
    const customer = event('m:both', '42', null);
    for (const events of [
      [event('m:both', null, '42'), customer],
      [customer, event('m:both', null, '42')],
    ]) {
      const refusal = refuseAnonymous(events);
      expect(refusal.taken).toEqual([customer]);
      expect(refusal.erased.size).toBe(0);
      expect(erasedOf(refusal)).toEqual({ erasedEvents: 0 });
    }
  });
});
