import { describe, expect, it } from 'vitest';
import type { EventRecord, EventSource } from '../../../../functions/domain/events/event.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../../functions/domain/rules/session-rules.js';
import {
  CopyTextsNeeded,
  copiesToRead,
  preferredCopy,
  sourceTextKey,
  unreadSources,
} from '../../../../functions/domain/store/copy-choice.js';
import { planMerge } from '../../../../functions/domain/store/plan-merge.js';
import { EMPTY_TOTALS } from '../../../../functions/domain/store/stored.js';
import { record } from '../../../helpers/event-arbitraries.js';

const RULES = compileRules(DEFAULT_SESSION_RULES);
const source = (object: string, record = 1): EventSource => ({
  object,
  version: 'e:1',
  file: object,
  record,
});
const at = Date.parse('2024-01-10T09:05:00Z');
const copy = (name: string, from?: EventSource, timestamp = at): EventRecord =>
  record({ id: 'm:1', timestamp, name, ...(from !== undefined && { source: from }) });

describe('preferredCopy', () => {
  const stored = copy('b', source('a.ndjson'));

  it('prefers the earlier copy', () => {
    const earlier = copy('z', undefined, at - 60_000);
    expect(preferredCopy(stored, earlier)).toBe(earlier);
    expect(preferredCopy(earlier, stored)).toBe(earlier);
  });

  it('between copies at one instant, prefers the smaller projection, whichever is stored', () => {
    const smaller = { ...stored, name: 'a' };
    expect(preferredCopy(stored, smaller)).toBe(smaller);
    expect(preferredCopy(smaller, stored)).toBe(smaller);
  });

  it('keeps the stored copy when the incoming one looks the same', () => {
    expect(preferredCopy(stored, { ...stored })).toBe(stored);
  });

  it('between copies at one instant, prefers the text that sorts first when both texts are known', () => {
    const incoming = copy('a', source('b.ndjson'));
    const texts = new Map([
      [sourceTextKey(source('a.ndjson')), '{"context":{"ip":"1"},"event":"b"}'],
      [sourceTextKey(source('b.ndjson')), '{"context":{"ip":"2"},"event":"a"}'],
    ]);
    expect(preferredCopy(stored, incoming, texts)).toBe(stored);
    expect(preferredCopy(incoming, stored, texts)).toBe(stored);
    // Unknown or unreadable texts fall back to the projection.
    expect(preferredCopy(stored, incoming, new Map())).toBe(incoming);
    expect(preferredCopy(stored, incoming, new Map([[sourceTextKey(source('a.ndjson')), null]]))).toBe(
      incoming,
    );
  });
});

describe('copiesToRead', () => {
  it('names the copies at the earliest instant of an id when they differ in projection', () => {
    const stored = copy('b', source('a.ndjson', 4));
    const incoming = copy('a', source('b.ndjson', 9));
    expect(copiesToRead([incoming], [stored])).toEqual([source('b.ndjson', 9), source('a.ndjson', 4)]);
  });

  it('names none for copies alike, copies at different instants, or an id met once', () => {
    const stored = copy('b', source('a.ndjson'));
    expect(copiesToRead([{ ...stored, source: source('b.ndjson') }], [stored])).toEqual([]);
    expect(copiesToRead([copy('a', source('b.ndjson'), at + 1)], [stored])).toEqual([]);
    expect(copiesToRead([copy('a', source('b.ndjson'), at - 1)], [stored])).toEqual([]);
    expect(copiesToRead([copy('a', source('b.ndjson'))], [{ ...stored, id: 'm:2' }])).toEqual([]);
  });

  it('weighs every copy at the earliest instant, a later differing one aside', () => {
    const stored = copy('b', source('a.ndjson'));
    const later = copy('c', source('c.ndjson'), at + 1);
    const alike = { ...stored, source: source('b.ndjson') };
    expect(copiesToRead([alike, later], [stored])).toEqual([]);
    const differing = copy('a', source('d.ndjson'));
    expect(copiesToRead([alike, differing], [stored])).toEqual([
      source('b.ndjson'),
      source('d.ndjson'),
      source('a.ndjson'),
    ]);
  });

  it('lists what a set of texts lacks, once each', () => {
    const texts = new Map([[sourceTextKey(source('a.ndjson')), null]]);
    expect(unreadSources([source('a.ndjson'), source('b.ndjson'), source('b.ndjson')], texts)).toEqual([
      source('b.ndjson'),
    ]);
    expect(new CopyTextsNeeded([source('b.ndjson')]).message).toMatch(/1 copies must be read again/);
  });
});

describe('planMerge with texts', () => {
  it('keeps the copy whose text sorts first, stored or incoming', () => {
    const zeta = copy('Zeta', source('a.ndjson'));
    const alpha = copy('Alpha', source('b.ndjson'));
    const texts = new Map([
      [sourceTextKey(source('a.ndjson')), '{"context":{"ip":"1"},"event":"Zeta"}'],
      [sourceTextKey(source('b.ndjson')), '{"context":{"ip":"2"},"event":"Alpha"}'],
    ]);
    const first = planMerge({ user: 'user-0', rules: RULES, totals: EMPTY_TOTALS, loaded: [], add: [zeta] });
    const loaded = first.changes.map((change) => ({
      day: change.day,
      before: change.before,
      sessions: change.sessions,
    }));
    const plan = (add: EventRecord[], withTexts: boolean) =>
      planMerge({
        user: 'user-0',
        rules: RULES,
        totals: {
          ...EMPTY_TOTALS,
          sessionCount: first.sessionCount,
          eventCount: first.eventCount,
          months: first.months,
          dayCount: first.dayCount,
        },
        loaded,
        add,
        ...(withTexts && { texts }),
      });
    expect(plan([alpha], true).changes).toEqual([]);
    expect(plan([alpha], false).changes[0]?.sessions[0]?.events[0]?.name).toBe('Alpha');
  });
});
