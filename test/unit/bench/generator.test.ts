import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GeneratorOptions,
  generateEvents,
  type SegmentEvent,
} from '../../../bench/generator/generate.js';
import { analyse, type FileAnalysis, MINUTE, share, timeOf } from './segment-checks.js';

function serialize(options: GeneratorOptions): string[] {
  return Array.from(generateEvents(options), (event) => JSON.stringify(event));
}

describe('generateEvents', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = serialize({ events: 3_000, seed: 7 });
    expect(serialize({ events: 3_000, seed: 7 })).toEqual(first);
    const other = serialize({ events: 3_000, seed: 8 });
    expect(other).not.toEqual(first);
    expect(new Set(other).size).toBeGreaterThan(0);
    expect(other.filter((line, index) => line === first[index]).length).toBe(0);
  });

  it.each([
    { events: 0 },
    { events: 1 },
    { events: 2 },
    { events: 17 },
    { events: 4_321, days: 3 },
    { events: 10, users: 100 },
    { events: 10, duplicateShare: 1 },
    { events: 500, lateShare: 1, noMessageIdShare: 1 },
    { events: 1_000, days: 0.25 },
  ])('yields exactly the requested number of events: %o', (options) => {
    let count = 0;
    for (const _ of generateEvents(options)) count++;
    expect(count).toBe(options.events);
  });

  it('rejects impossible options', () => {
    expect(() => generateEvents({ events: -1 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 1.5 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, lateShare: 2 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, users: 0 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, days: 0 }).next()).toThrow(RangeError);
  });

  describe('with default shares on 20k events', () => {
    const total = 20_000;
    let file: FileAnalysis;
    beforeAll(() => {
      file = analyse(Array.from(generateEvents({ events: total, seed: 42 })));
    });

    it('re-emits about 0.5 % of events as exact duplicates', () => {
      expect(share(file.duplicates, total)).toBeCloseTo(0.005, 3);
      expect(file.duplicatesIdenticalToOriginal).toBe(true);
    });

    it('leaves about 0.2 % of events without a messageId', () => {
      expect(share(file.withoutMessageId, total)).toBeCloseTo(0.002, 3);
    });

    it('emits about 1 % of events late, far from where their timestamp belongs', () => {
      expect(share(file.lateIndexes.length, file.originals.length)).toBeCloseTo(0.01, 2);
      const lateSet = new Set(file.lateIndexes);
      const onTimeTimes = file.originals.filter((_, index) => !lateSet.has(index)).map(timeOf);
      const displacements = file.lateIndexes.map((index) => {
        const time = timeOf(file.originals[index] as SegmentEvent);
        const belongsAt = onTimeTimes.findIndex((onTime) => onTime > time);
        return index - belongsAt;
      });
      displacements.sort((a, b) => a - b);
      expect(displacements[Math.floor(displacements.length / 2)]).toBeGreaterThan(100);
    });

    it('keeps everything else in time order', () => {
      const lateSet = new Set(file.lateIndexes);
      const onTime = file.originals.filter((_, index) => !lateSet.has(index)).map(timeOf);
      expect(onTime.every((time, index) => index === 0 || time >= (onTime[index - 1] as number))).toBe(true);
    });

    it('has events / 40 users, about 15 % of them anonymous-only, a few with numeric ids', () => {
      const users = [...file.usersByAnonymousId.values()];
      expect(users.length).toBe(total / 40);
      const anonymous = users.filter((user) => user.userId === null).length;
      expect(share(anonymous, users.length)).toBeCloseTo(0.15, 2);
      const numeric = users.filter((user) => typeof user.userId === 'number').length;
      expect(numeric).toBeGreaterThan(0);
      expect(share(numeric, users.length)).toBeLessThan(0.1);
      const switchingIdentity = file.originals.filter(
        (event) => file.usersByAnonymousId.get(event.anonymousId as string)?.userId !== event.userId,
      );
      expect(switchingIdentity).toEqual([]);
    });

    it('mixes event types like a real web property', () => {
      const counts = new Map<string, number>();
      for (const event of file.originals) {
        counts.set(event.type as string, (counts.get(event.type as string) ?? 0) + 1);
      }
      const typeShare = (type: string) => share(counts.get(type) ?? 0, file.originals.length);
      expect(typeShare('track')).toBeGreaterThan(0.6);
      expect(typeShare('page')).toBeGreaterThan(0.15);
      expect(typeShare('page')).toBeLessThan(0.25);
      expect(typeShare('identify')).toBeGreaterThan(0.005);
      expect(typeShare('identify')).toBeLessThan(0.05);
      for (const rare of ['screen', 'group', 'alias']) {
        expect(typeShare(rare)).toBeGreaterThan(0);
        expect(typeShare(rare)).toBeLessThan(0.03);
      }
      const trackNames = new Set(
        file.originals.filter((event) => event.type === 'track').map((e) => e.event),
      );
      expect(trackNames.size).toBeGreaterThan(15);
    });

    it('puts a small share of timestamps in +02:00', () => {
      const offset = file.originals.filter((event) => (event.timestamp as string).endsWith('+02:00')).length;
      expect(offset).toBeGreaterThan(0);
      expect(share(offset, file.originals.length)).toBeLessThan(0.1);
    });

    it('groups each user into sessions: gaps under 25 min inside, over 30 min between', () => {
      const sessionSizes: number[] = [];
      let ambiguousGaps = 0;
      for (const user of file.usersByAnonymousId.values()) {
        const times = [...user.times].sort((a, b) => a - b);
        let size = 1;
        for (let index = 1; index < times.length; index++) {
          const gap = (times[index] as number) - (times[index - 1] as number);
          if (gap > 25 * MINUTE && gap <= 30 * MINUTE) ambiguousGaps++;
          if (gap > 30 * MINUTE) {
            sessionSizes.push(size);
            size = 1;
          } else {
            size++;
          }
        }
        sessionSizes.push(size);
      }
      expect(ambiguousGaps).toBe(0);
      const mean = file.originals.length / sessionSizes.length;
      expect(mean).toBeGreaterThan(12);
      expect(mean).toBeLessThan(35);
      expect(Math.max(...sessionSizes)).toBeGreaterThan(100);
      expect(share(sessionSizes.length, file.usersByAnonymousId.size)).toBeGreaterThan(1.2);
    });

    it('serializes to roughly the size of real Segment events', () => {
      const bytes = file.events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
      expect(bytes / total).toBeGreaterThan(500);
      expect(bytes / total).toBeLessThan(750);
    });
  });

  it('honours non-default shares', () => {
    const total = 20_000;
    const file = analyse(
      Array.from(
        generateEvents({
          events: total,
          seed: 3,
          users: 200,
          anonymousShare: 0.5,
          lateShare: 0.05,
          duplicateShare: 0.02,
          noMessageIdShare: 0.01,
          days: 2,
        }),
      ),
    );
    expect(share(file.duplicates, total)).toBeCloseTo(0.02, 2);
    expect(share(file.withoutMessageId, total)).toBeCloseTo(0.01, 2);
    expect(share(file.lateIndexes.length, file.originals.length)).toBeCloseTo(0.05, 2);
    const users = [...file.usersByAnonymousId.values()];
    expect(users.length).toBe(200);
    expect(share(users.filter((user) => user.userId === null).length, users.length)).toBeCloseTo(0.5, 1);
    const times = file.originals.map(timeOf);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(36 * 60 * MINUTE);
  });

  it('spreads a user over about sessionsPerDay × days sessions', () => {
    const times = Array.from(
      generateEvents({ events: 6_000, users: 1, days: 100, sessionsPerDay: 3, anonymousShare: 0, seed: 4 }),
      timeOf,
    ).sort((a, b) => a - b);
    const sessions =
      1 +
      times.filter((time, index) => index > 0 && time - (times[index - 1] as number) > 30 * MINUTE).length;
    expect(sessions).toBeGreaterThan(250);
    expect(sessions).toBeLessThan(350);
    expect(() => generateEvents({ events: 10, sessionsPerDay: 0 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, sessionsPerDay: 13 }).next()).toThrow(RangeError);
  });

  it('streams 200k events without holding them', () => {
    let count = 0;
    for (const event of generateEvents({ events: 200_000, seed: 11 })) {
      if (event.type !== undefined) count++;
    }
    expect(count).toBe(200_000);
  });
});
