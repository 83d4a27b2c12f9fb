import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SegmentEvent } from '../../../bench/generator/generate.js';
import { generateIssueEvents } from '../../../bench/issue-generator.js';
import { share, timeOf } from './segment-checks.js';

describe('generateIssueEvents', () => {
  const sha256 = (lines: Iterable<string>) => {
    const hash = createHash('sha256');
    for (const line of lines) hash.update(`${line}\n`);
    return hash.digest('hex');
  };

  it("yields the issue generator's files byte for byte", () => {
    // Digests of that generator's NDJSON for 2,000 events (seed 42, 40 users) and 3,000 (seed 7, 10 users).
    expect(sha256(generateIssueEvents({ events: 2_000 }))).toBe(
      'eb8a577e3934113c6b94142ce30ead19edc90565c02587372513b04fab6d80a0',
    );
    expect(sha256(generateIssueEvents({ events: 3_000, seed: 7, users: 10 }))).toBe(
      '076c6f25c4471ee1d9bb13d20d121a796bce45291db4c69b6195df9ebfce0d55',
    );
  });

  it('writes compact events, 50 a user, ~70 % identified, in time order with unique messageIds', () => {
    const events = Array.from(generateIssueEvents({ events: 20_000 }), (line) => ({
      bytes: Buffer.byteLength(line) + 1,
      event: JSON.parse(line) as SegmentEvent,
    }));
    expect(events).toHaveLength(20_000);
    const meanBytes = events.reduce((sum, { bytes }) => sum + bytes, 0) / events.length;
    expect(meanBytes).toBeGreaterThan(330);
    expect(meanBytes).toBeLessThan(380);
    const times = events.map(({ event }) => timeOf(event));
    expect(times.every((time, index) => index === 0 || time >= (times[index - 1] as number))).toBe(true);
    expect(new Set(events.map(({ event }) => event.messageId)).size).toBe(20_000);
    const identified = new Set(events.flatMap(({ event }) => (event.userId === null ? [] : [event.userId])));
    const anonymous = new Set(
      events.flatMap(({ event }) => (event.userId === null ? [event.anonymousId] : [])),
    );
    expect(identified.size + anonymous.size).toBe(400);
    expect(share(identified.size, 400)).toBeCloseTo(0.7, 1);
  });

  it('rejects impossible options', () => {
    expect(() => generateIssueEvents({ events: -1 }).next()).toThrow(RangeError);
    expect(() => generateIssueEvents({ events: 10, users: 0 }).next()).toThrow(RangeError);
  });
});
