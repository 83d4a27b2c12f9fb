import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import {
  type CanonicalLookup,
  EventCollector,
  type SourceRef,
  sourceKey,
} from '../../../../functions/domain/sessions/collector.js';
import { preferredCopy } from '../../../../functions/domain/store/copy-choice.js';
import { collectEvents, collectedCopies, recordAt } from '../../../helpers/collected-copies.js';
import { record } from '../../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 0, 1, 9);
const MINUTE = 60_000;

/** A lookup that knows the canonical JSON of some records, and remembers what it was asked. */
function lookup(canonical: Record<number, string>): CanonicalLookup & { asked: number[][] } {
  const asked: number[][] = [];
  const find = async (sources: readonly SourceRef[]) => {
    asked.push(sources.map((source) => source.record).sort((a, b) => a - b));
    const found = new Map<string, string>();
    for (const source of sources) {
      const text = canonical[source.record];
      if (text !== undefined) found.set(sourceKey(source), text);
    }
    return found;
  };
  return Object.assign(find, { asked });
}

const noLookup = lookup({});

/** User → the ids of their kept events, in session order. */
async function idsByUser(collector: EventCollector, canonical = noLookup): Promise<Record<string, string[]>> {
  const users = await collectedCopies(collector, canonical);
  return Object.fromEntries([...users].map(([user, copies]) => [user, copies.map((copy) => copy.event.id)]));
}

describe('EventCollector', () => {
  it("hands each user's events over as positions, objects only for the range asked", async () => {
    const collector = collectEvents(false, [
      record({ id: 'm:3', timestamp: T0 + 2 * MINUTE, userId: 'u', platform: 'ios' }),
      record({ id: 'm:1', timestamp: T0, userId: 'u' }),
      record({ id: 'm:2', timestamp: T0 + MINUTE, userId: 'u', platform: 'web' }),
    ]);
    const seen: unknown[] = [];
    await collector.forEachUser(noLookup, (user, ordered) => {
      seen.push(
        user,
        ordered.length,
        [0, 1, 2].map((position) => [ordered.timestamp(position) - T0, ordered.platform(position)]),
        ordered.events(1, 3).map((event) => event.id),
        ordered.events().map((event) => event.id),
        ordered.sources().map((source) => source.record),
      );
    });
    expect(seen).toEqual([
      'u',
      3,
      [
        [0, null],
        [MINUTE, 'web'],
        [2 * MINUTE, 'ios'],
      ],
      ['m:2', 'm:3'],
      ['m:1', 'm:2', 'm:3'],
      [2, 3, 1],
    ]);
  });

  it('keeps one copy of an event per user and id, and says which adds were copies', () => {
    const collector = new EventCollector(false);
    const event = record({ id: 'm:1', timestamp: T0, userId: 'u' });
    expect(collector.add(event, recordAt(1))).toBe(true);
    expect(collector.add({ ...event }, recordAt(2))).toBe(false);
    expect(collector.size).toBe(1);
  });

  it('never merges events of different users, even with one messageId', async () => {
    const collector = collectEvents(false, [
      record({ id: 'm:shared', timestamp: T0, userId: 'amy' }),
      record({ id: 'm:shared', timestamp: T0, userId: 'zed' }),
    ]);
    expect(await idsByUser(collector)).toEqual({ amy: ['m:shared'], zed: ['m:shared'] });
  });

  it('keeps the earliest copy, wherever it arrives', async () => {
    const late = record({ id: 'm:1', timestamp: T0 + 4 * MINUTE, userId: 'u', name: 'late' });
    const early = record({ id: 'm:1', timestamp: T0 + MINUTE, userId: 'u', name: 'early' });
    for (const order of [
      [late, early],
      [early, late],
    ]) {
      const users = await collectedCopies(collectEvents(false, order), noLookup);
      expect(users.get('u')?.map((copy) => [copy.event.name, copy.event.timestamp])).toEqual([
        ['early', T0 + MINUTE],
      ]);
    }
  });

  it('asks for canonical JSON only when copies at the same instant differ in what the rules see', async () => {
    const same = record({ id: 'm:1', timestamp: T0, userId: 'u', name: 'x' });
    const canonical = lookup({});
    await collectedCopies(collectEvents(false, [same, { ...same }, { ...same }]), canonical);
    expect(canonical.asked.flat()).toEqual([]);
  });

  it('keeps the copy whose object as sent sorts first in canonical JSON among equal timestamps', async () => {
    const copies = [
      record({ id: 'm:1', timestamp: T0, userId: 'u', name: 'second' }),
      record({ id: 'm:1', timestamp: T0, userId: 'u', name: 'first' }),
      record({ id: 'm:1', timestamp: T0, userId: 'u', name: 'third' }),
    ];
    const canonical = lookup({ 1: '{"b"}', 2: '{"a"}', 3: '{"c"}' });
    const users = await collectedCopies(collectEvents(false, copies), canonical);
    expect(users.get('u')?.map((copy) => [copy.event.name, copy.source.record])).toEqual([['first', 2]]);
  });

  const page = (path: string) => ({ url: null, path, title: null, referrer: null });
  const campaign = (source: string) => ({ source, medium: null, name: null, term: null, content: null });
  it.each<[string, Partial<EventRecord>, Partial<EventRecord>]>([
    ['type', { type: 'track' }, { type: 'screen' }],
    ['name', { name: 'a' }, { name: 'b' }],
    ['anonymousId', { anonymousId: 'a-1' }, { anonymousId: 'a-2' }],
    ['platform', { platform: 'ios' }, { platform: 'android' }],
    ['page', { page: page('/a') }, { page: page('/b') }],
    ['campaign', { campaign: campaign('a') }, { campaign: campaign('b') }],
    ['url campaign', { urlCampaign: campaign('a') }, { urlCampaign: campaign('b') }],
    [
      'device',
      { device: { type: 'a', os: null, browser: null } },
      { device: { type: 'b', os: null, browser: null } },
    ],
  ])(
    'sends copies at one instant that differ only in their %s to the canonical tie-break',
    async (_, first, second) => {
      // Record 2 sorts first: it must be kept whichever copy came first.
      const canonical = { 1: '{"b"}', 2: '{"a"}' };
      for (const [one, two] of [
        [first, second],
        [second, first],
      ] as const) {
        const collector = new EventCollector(false);
        collector.add(record({ id: 'm:1', timestamp: T0, userId: 'u', ...one }), recordAt(1));
        collector.add(record({ id: 'm:1', timestamp: T0, userId: 'u', ...two }), recordAt(2));
        const users = await collectedCopies(collector, lookup(canonical));
        expect(users.get('u')?.map((copy) => copy.source.record)).toEqual([2]);
      }
    },
  );

  it.each([
    ['first', ['b', 'a']],
    ['last', ['a', 'b']],
  ])(
    'keeps the copy the store keeps when copies at one instant have one text (one object read in two formats), the other coming %s',
    async (_, names) => {
      // Only the format each file was read in tells these copies apart: their texts are equal, so rule 3 leaves
      // the choice open, and the batch must make the store's (preferredCopy: the projection sorting first).
      const copies = names.map((name) => record({ id: 'm:1', timestamp: T0, userId: 'u', name }));
      const collector = collectEvents(false, copies);
      const users = await collectedCopies(collector, lookup({ 1: '{"same"}', 2: '{"same"}' }));
      const store = preferredCopy(copies[0] as EventRecord, copies[1] as EventRecord);
      expect(users.get('u')?.map((copy) => copy.event.name)).toEqual([store.name]);
      expect(store.name).toBe('a');
    },
  );

  it('weighs every copy in the canonical tie-break, also copies that look the same as the first one', async () => {
    // 1 and 2 look the same to the rules, 3 differs; 2 sorts first, so its look must win whatever the order.
    const looks = { 1: 'kept', 2: 'kept', 3: 'other' } as const;
    const canonical = { 1: '{"c"}', 2: '{"a"}', 3: '{"b"}' };
    for (const order of [
      [1, 2, 3],
      [1, 3, 2],
      [2, 1, 3],
      [3, 1, 2],
      [3, 2, 1],
    ]) {
      const collector = new EventCollector(false);
      for (const n of order) {
        collector.add(
          record({ id: 'm:1', timestamp: T0, userId: 'u', name: looks[n as 1 | 2 | 3] }),
          recordAt(n),
        );
      }
      const users = await collectedCopies(collector, lookup(canonical));
      expect(
        users.get('u')?.map((copy) => copy.event.name),
        `order ${order}`,
      ).toEqual(['kept']);
    }
  });

  it('weighs copies alike in projection by text only for a store that keeps their sources', async () => {
    const canonical = { 1: '{"ip":"3"}', 2: '{"ip":"1"}', 3: '{"ip":"2"}' };
    const keptSource = async (keepsSources: boolean, id: string) => {
      const collector = new EventCollector(false, keepsSources);
      for (const n of [1, 2, 3]) collector.add(record({ id, timestamp: T0, userId: 'u' }), recordAt(n));
      const asked = lookup(canonical);
      const users = await collectedCopies(collector, asked);
      return { record: users.get('u')?.map((copy) => copy.source.record), asked: asked.asked };
    };
    // The store later compares its copy's text with other copies': the one kept must be the one sorting first.
    expect(await keptSource(true, 'm:1')).toEqual({ record: [2], asked: [[1, 2, 3]] });
    // Either copy gives the same sessions, so nothing is read. Copies of a content id are weighed too: two
    // formats may read one rest apart, and spellings (userId 42 or " 42 ") differ in text.
    expect(await keptSource(false, 'm:1')).toEqual({ record: [1], asked: [] });
    expect(await keptSource(true, `h:${'0'.repeat(64)}`)).toEqual({ record: [2], asked: [[1, 2, 3]] });
  });

  it('merges copies of one resolved user that arrived with and without a userId', async () => {
    const withUser = record({ id: 'm:1', timestamp: T0 + MINUTE, userId: 'x', anonymousId: 'x' });
    const anonymous = record({ id: 'm:1', timestamp: T0, userId: null, anonymousId: 'x' });
    const users = await collectedCopies(collectEvents(false, [withUser, anonymous]), noLookup);
    expect(users.get('x')?.map((copy) => copy.event.timestamp)).toEqual([T0]);
  });

  it('returns users in code-unit order, each with events in session order', async () => {
    const collector = collectEvents(false, [
      record({ id: 'm:b', timestamp: T0, userId: 'b' }),
      record({ id: 'm:2', timestamp: T0 + MINUTE, userId: 'a' }),
      record({ id: 'm:3', timestamp: T0, userId: 'a' }),
      record({ id: 'm:1', timestamp: T0, userId: 'a' }),
      record({ id: 'm:Z', timestamp: T0, userId: 'Z' }),
    ]);
    expect(await idsByUser(collector)).toEqual({ Z: ['m:Z'], a: ['m:1', 'm:3', 'm:2'], b: ['m:b'] });
    expect(Object.keys(await idsByUser(collector))).toEqual(['Z', 'a', 'b']);
  });

  describe('with identity stitching', () => {
    const anonymous = (id: string, minutes: number, anonymousId = 'a-1') =>
      record({ id, timestamp: T0 + minutes * MINUTE, userId: null, anonymousId });
    const link = (id: string, minutes: number, userId: string, type: EventRecord['type'] = 'identify') =>
      record({ id, timestamp: T0 + minutes * MINUTE, userId, anonymousId: 'a-1', type });

    it.each([
      ['last', [1, 2, 3, 4]],
      ['first', [1, 2, 4, 3]],
    ])(
      "weighs every text of an anonymous copy against the user's own, the one sorting first arriving %s",
      async (_when, order) => {
        // m:1 from the user and twice from the stitched anonymousId, all at one instant: the anonymous copies
        // look alike (the same projection) but their texts differ, and only one of them sorts before the user's.
        const events: Record<number, EventRecord> = {
          1: link('m:link', -5, 'u-1'),
          2: record({ id: 'm:1', timestamp: T0, userId: 'u-1', anonymousId: 'a-1', type: 'screen' }),
          3: anonymous('m:1', 0),
          4: anonymous('m:1', 0),
        };
        const canonical = lookup({ 2: '{"b":"user"}', 3: '{"c":"later"}', 4: '{"a":"first"}' });
        const collector = new EventCollector(true);
        for (const record of order) collector.add(events[record] as EventRecord, recordAt(record));

        const users = await collectedCopies(collector, canonical);

        const kept = users.get('u-1')?.find((copy) => copy.event.id === 'm:1');
        expect(kept?.source.record).toBe(4);
      },
    );

    it("moves an anonymousId's events to the user of its earliest link", async () => {
      const collector = collectEvents(true, [
        anonymous('m:1', 0),
        link('m:3', 20, 'u-late'),
        link('m:2', 10, 'u-early'),
        anonymous('m:4', 30),
      ]);
      expect(await idsByUser(collector)).toEqual({ 'u-early': ['m:1', 'm:2', 'm:4'], 'u-late': ['m:3'] });
    });

    it('breaks a tie between links by event id', async () => {
      const collector = collectEvents(true, [
        anonymous('m:0', 0),
        link('m:b', 10, 'u-b'),
        link('m:a', 10, 'u-a'),
      ]);
      expect((await idsByUser(collector))['u-a']).toEqual(['m:0', 'm:a']);
    });

    it('breaks a tie of timestamp and id by canonical JSON, weighing every copy', async () => {
      const canonical = lookup({ 2: '{"c"}', 3: '{"a"}', 4: '{"b"}' });
      const collector = collectEvents(true, [
        anonymous('m:0', 0),
        link('m:same', 10, 'u-1'),
        link('m:same', 10, 'u-1'),
        link('m:same', 10, 'u-2'),
      ]);
      const users = await collectedCopies(collector, canonical);
      expect(users.get('u-1')?.map((copy) => copy.event.id)).toContain('m:0');
      expect(users.has('a-1')).toBe(false);
    });

    it.each([
      ['first', ['u-2', 'u-1']],
      ['last', ['u-1', 'u-2']],
    ])('stitches to the link copy whose canonical JSON sorts first when it comes %s', async (_, users) => {
      const texts: Record<string, string> = { 'u-1': '{"a"}', 'u-2': '{"b"}' };
      const links = users.map((user) => link('m:same', 10, user));
      const collector = collectEvents(true, [anonymous('m:0', 0), ...links]);
      const canonical = lookup({
        2: texts[users[0] as string] as string,
        3: texts[users[1] as string] as string,
      });
      expect(
        (await collectedCopies(collector, canonical)).get('u-1')?.map((copy) => copy.event.id),
      ).toContain('m:0');
    });

    it.each([
      ['last', ['u-2', 'u-1']],
      ['first', ['u-1', 'u-2']],
    ])(
      'stitches to the smaller userId, as the store does, when link copies have one text and u-1 comes %s',
      async (_, users) => {
        const links = users.map((user) => link('m:same', 10, user));
        const collector = collectEvents(true, [anonymous('m:0', 0), ...links]);
        const canonical = lookup({ 2: '{"same"}', 3: '{"same"}' });
        expect(
          (await collectedCopies(collector, canonical)).get('u-1')?.map((copy) => copy.event.id),
        ).toContain('m:0');
      },
    );

    it('ignores alias events and events without both ids as links', async () => {
      const collector = collectEvents(true, [
        anonymous('m:1', 0),
        link('m:2', 5, 'u-alias', 'alias'),
        record({ id: 'm:3', timestamp: T0 + 6 * MINUTE, userId: 'u-no-anon' }),
      ]);
      expect(await idsByUser(collector)).toEqual({
        'a-1': ['m:1'],
        'u-alias': ['m:2'],
        'u-no-anon': ['m:3'],
      });
    });

    it('keeps events that carry a userId with that user, whatever their anonymousId is stitched to', async () => {
      const collector = collectEvents(true, [
        link('m:1', 0, 'u-a'),
        link('m:2', 60, 'u-b'),
        anonymous('m:3', 70),
      ]);
      expect(await idsByUser(collector)).toEqual({ 'u-a': ['m:1', 'm:3'], 'u-b': ['m:2'] });
    });

    it('merges an anonymous copy and a copy with the userId once they resolve to one user', async () => {
      const collector = collectEvents(true, [
        record({ id: 'm:1', timestamp: T0 + MINUTE, userId: null, anonymousId: 'a-1' }),
        record({ id: 'm:1', timestamp: T0 + 2 * MINUTE, userId: 'u-1', anonymousId: 'a-1' }),
      ]);
      const users = await collectedCopies(collector, noLookup);
      expect([...users.keys()]).toEqual(['u-1']);
      expect(users.get('u-1')?.map((copy) => [copy.event.id, copy.event.timestamp])).toEqual([
        ['m:1', T0 + MINUTE],
      ]);
    });

    it('keeps anonymous events apart from the same ids under a user until they resolve to one', async () => {
      // a-2 is never linked, so its event stays a-2's even though u-1 sent one with the same id.
      const collector = collectEvents(true, [
        record({ id: 'm:1', timestamp: T0, userId: null, anonymousId: 'a-2' }),
        record({ id: 'm:1', timestamp: T0, userId: 'u-1', anonymousId: 'a-1' }),
      ]);
      expect(await idsByUser(collector)).toEqual({ 'a-2': ['m:1'], 'u-1': ['m:1'] });
    });

    it("gives a store each own user's copies and each anonymousId's earliest link", async () => {
      const collector = collectEvents(true, [
        anonymous('m:1', 0),
        link('m:2', 10, 'u-1'),
        link('m:3', 5, 'u-2'),
      ]);
      const links = await collector.ownLinks(noLookup);
      const groups: [string, boolean, string[]][] = [];
      await collector.forEachOwner(noLookup, (owner, events) => {
        groups.push([owner.user, owner.anonymous, events.events().map((event) => event.id)]);
      });
      expect(groups).toEqual([
        ['a-1', true, ['m:1']],
        ['u-1', false, ['m:2']],
        ['u-2', false, ['m:3']],
      ]);
      expect([...links].map(([anonymousId, { copy }]) => [anonymousId, copy.event.userId])).toEqual([
        ['a-1', 'u-2'],
      ]);
    });
  });
});
