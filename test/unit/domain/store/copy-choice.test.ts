import { describe, expect, it } from 'vitest';
import type { EventRecord, EventSource } from '../../../../functions/domain/events/event.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../../functions/domain/rules/session-rules.js';
import {
  type CopyTexts,
  CopyTextsNeeded,
  preferredCopy,
  sourceTextKey,
  type UnreadCopies,
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

  it('keeps the stored copy when the incoming one looks the same, unless its text is known to sort first', () => {
    expect(preferredCopy(stored, { ...stored })).toBe(stored);
    const lookalike = { ...stored, source: source('b.ndjson') };
    expect(preferredCopy(stored, lookalike)).toBe(stored);
    const texts = (a: string | null, b: string | null) =>
      new Map([
        [sourceTextKey(source('a.ndjson')), a],
        [sourceTextKey(source('b.ndjson')), b],
      ]);
    expect(preferredCopy(stored, lookalike, texts('{"ip":"2"}', '{"ip":"1"}'))).toBe(lookalike);
    expect(preferredCopy(stored, lookalike, texts('{"ip":"1"}', '{"ip":"2"}'))).toBe(stored);
    expect(preferredCopy(stored, lookalike, texts('{"ip":"1"}', '{"ip":"1"}'))).toBe(stored);
    expect(preferredCopy(stored, lookalike, texts(null, '{"ip":"1"}'))).toBe(stored);
    // A copy that says nothing of where it was read (stored before sources were kept) stays, or is kept out.
    const { source: _, ...unsourced } = stored;
    expect(preferredCopy(unsourced, lookalike, texts('{"ip":"2"}', '{"ip":"1"}'))).toBe(unsourced);
    expect(preferredCopy(stored, unsourced, texts('{"ip":"2"}', '{"ip":"1"}'))).toBe(stored);
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

describe('copies a tie needs read', () => {
  it('names both copies of a tie that differs when the texts lack them, and weighs it by projection meanwhile', () => {
    const stored = copy('b', source('a.ndjson', 4));
    const incoming = copy('a', source('b.ndjson', 9));
    const unread: UnreadCopies = new Map();
    expect(preferredCopy(stored, incoming, new Map(), unread)).toBe(incoming);
    expect([...unread.values()]).toEqual([source('a.ndjson', 4), source('b.ndjson', 9)]);
  });

  it('names both copies alike in projection but read from different records, when the texts lack them', () => {
    const stored = copy('b', source('a.ndjson', 4));
    const lookalike = { ...stored, source: source('b.ndjson', 9) };
    const unread: UnreadCopies = new Map();
    expect(preferredCopy(stored, lookalike, new Map(), unread)).toBe(stored);
    expect([...unread.values()]).toEqual([source('a.ndjson', 4), source('b.ndjson', 9)]);
  });

  it('names none for copies of one record, copies at different instants, texts known or known unreadable', () => {
    const stored = copy('b', source('a.ndjson'));
    const unread: UnreadCopies = new Map();
    preferredCopy(stored, { ...stored, source: source('a.ndjson') }, new Map(), unread);
    preferredCopy(stored, copy('a', source('b.ndjson'), at + 1), new Map(), unread);
    preferredCopy(stored, copy('a', source('b.ndjson'), at - 1), new Map(), unread);
    const known = new Map([
      [sourceTextKey(source('a.ndjson')), null],
      [sourceTextKey(source('b.ndjson')), '{}'],
    ]);
    preferredCopy(stored, copy('a', source('b.ndjson')), known, unread);
    expect([...unread.values()]).toEqual([]);
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
    const plan = (add: EventRecord[], given: CopyTexts | undefined) =>
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
        ...(given !== undefined && { texts: given }),
      });
    expect(plan([alpha], texts).changes).toEqual([]);
    expect(plan([alpha], texts).unreadCopies).toEqual([]);
    expect(plan([alpha], undefined).changes[0]?.sessions[0]?.events[0]?.name).toBe('Alpha');
    expect(plan([alpha], undefined).unreadCopies).toEqual([]);
    expect(plan([alpha], new Map()).unreadCopies).toEqual([source('a.ndjson'), source('b.ndjson')]);

    // A copy alike in projection whose text sorts first takes the stored one's place: its day is written again,
    // so a later tie compares that text. One whose text sorts after it, or a copy of the same record, changes nothing.
    const lookalike = { ...zeta, source: source('c.ndjson') };
    const withLookalike = (text: string) =>
      new Map([...texts, [sourceTextKey(source('c.ndjson')), `{"context":{"ip":"${text}"},"event":"Zeta"}`]]);
    const replaced = plan([lookalike], withLookalike('0'));
    expect(replaced.changes.map((change) => change.sessions[0]?.events[0]?.source)).toEqual([
      source('c.ndjson'),
    ]);
    expect(replaced.newEvents).toBe(0);
    expect(plan([lookalike], withLookalike('3')).changes).toEqual([]);
    expect(plan([{ ...zeta }], new Map()).changes).toEqual([]);
    expect(plan([{ ...zeta }], new Map()).unreadCopies).toEqual([]);
  });
});
