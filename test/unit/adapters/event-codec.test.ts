import { deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptItemError } from '../../../functions/adapters/dynamodb/corrupt-item.js';
import { decodeEvents, encodeEvents } from '../../../functions/adapters/dynamodb/event-codec.js';
import type { EventRecord, EventSource } from '../../../functions/domain/events/event.js';
import { EVENT_TYPES } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';

const USER = 'user-1';

const sentValue = fc.oneof(
  fc.string(),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }),
);
const campaign = fc.option(
  fc.record({ source: sentValue, medium: sentValue, name: sentValue, term: sentValue, content: sentValue }),
  { nil: null },
);
const hexDigits = (length: number) =>
  fc
    .array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length })
    .map((d) => d.join(''));
const uuid = fc
  .tuple(hexDigits(8), hexDigits(4), hexDigits(4), hexDigits(4), hexDigits(12))
  .map((parts) => parts.join('-'));
/** Ids that take the binary form and ids that only look close to it. */
const eventId = fc.oneof(
  uuid.map((id) => `m:${id}`),
  hexDigits(64).map((digits) => `h:${digits}`),
  uuid.map((id) => `m:${id.toUpperCase()}`),
  uuid.map((id) => `m:${id}x`),
  hexDigits(63).map((digits) => `h:${digits}`),
  fc.string({ maxLength: 40 }).map((text) => `m:${text}`),
  fc.string({ maxLength: 40 }),
);
const nullable = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: null });
const eventArbitrary: fc.Arbitrary<EventRecord> = fc.record({
  id: eventId,
  timestamp: fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }),
  type: fc.constantFrom(...EVENT_TYPES),
  name: nullable(fc.constantFrom('Clicked', 'Viewed', 'Ünïcode 😀', '')),
  userId: nullable(fc.constantFrom(USER, 'user-2', '')),
  anonymousId: nullable(fc.constantFrom('anon-1', 'anon-2')),
  platform: nullable(fc.constantFrom('ios', 'web')),
  page: nullable(fc.record({ url: sentValue, path: sentValue, title: sentValue, referrer: sentValue })),
  campaign,
  urlCampaign: campaign,
  device: nullable(
    fc.record({
      type: nullable(fc.constantFrom('mobile', 'desktop')),
      os: nullable(fc.constant('iOS')),
      browser: nullable(fc.constant('Safari')),
    }),
  ),
});

/** Where a copy was read: a few objects, ZIP members among them, records in any order. */
const sourceArbitrary: fc.Arbitrary<EventSource> = fc
  .record({
    object: fc.constantFrom('incoming/a.ndjson.gz', 'incoming/b.zip', 'ü/😀.json'),
    version: fc.constantFrom(
      'e:9b2cf535f27731c974343645a3985328',
      'v:3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      'e:',
    ),
    member: fc.option(fc.constantFrom('day-1.ndjson', ''), { nil: undefined }),
    record: fc.integer({ min: 1, max: 50_000_000 }),
  })
  .map(({ object, version, member, record }) => ({
    object,
    version,
    file: member === undefined ? object : `${object}!${member}`,
    record,
  }));
const sourcedEventArbitrary = fc
  .tuple(eventArbitrary, fc.option(sourceArbitrary, { nil: undefined }))
  .map(([event, source]) => (source === undefined ? event : { ...event, source }));

/** Stored by the first format (deflated columnar JSON), before the binary one: still read as it was. */
const FIRST_FORMAT_EVENTS: EventRecord[] = [
  {
    id: 'm:4c643cac-eb64-4a4b-85a5-c305db9e82f5',
    timestamp: 1704104276468,
    type: 'page',
    name: 'Home',
    userId: 'user-1',
    anonymousId: 'anon-1',
    platform: 'web',
    page: { url: 'https://shop.example.com/', path: '/', title: 'Home', referrer: null },
    campaign: null,
    urlCampaign: null,
    device: { type: 'desktop', os: 'macOS', browser: 'Chrome' },
  },
  {
    id: 'h:abababababababababababababababababababababababababababababababab',
    timestamp: 1704104376468,
    type: 'track',
    name: 'Clicked',
    userId: null,
    anonymousId: 'anon-1',
    platform: 'web',
    page: null,
    campaign: { source: 'news', medium: 'email', name: null, term: null, content: null },
    urlCampaign: null,
    device: { type: 'desktop', os: 'macOS', browser: 'Chrome' },
  },
  {
    id: 'm:custom-id-7',
    timestamp: 1704104376468,
    type: 'identify',
    name: null,
    userId: 'user-2',
    anonymousId: null,
    platform: null,
    page: null,
    campaign: null,
    urlCampaign: { source: 'ads', medium: null, name: null, term: null, content: null },
    device: null,
  },
];
const FIRST_FORMAT_BLOB =
  'pY8xb8IwEIX/y5vP4IQkUK8s3Tp0jDI4zrVExHEUO6UI8d+rA1p1rFRbtu589z7fuyDB1NlWF5ku8m1VVDvKtCzSDaGHqeFN4api46xT3FaFKmzRql1pS+U2uuzaJ97lbyUIB2Pb/20QvHFLTMGrvlNbNIQzDKbUgzDKNM/BMwj7oXdH7kDjMgwNYREbpAlL5FnlIrTSbscwqgz0Ezz6JymeWH683Y/nd5i61oRDSlM063U8hGnFn9ZPA69c8GsQ5NynuIkaghNVRhfEsMyOYTDyKYoZ7vrFw4C97QexYD3DiI6QePbfsQtj4jHd06swlxs0/w213W/mXfh3YAdTa9KkMkk+YOoL0nkScMfxmMIEQogw8Na9vILQzuEUeYbB/jCL4Wtz/QI=';

describe('stored events', () => {
  it('read back exactly what was written, whatever the ids, times and values', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 30 }), (events) => {
        expect(decodeEvents(USER, encodeEvents(USER, events))).toEqual(events);
      }),
      { numRuns: 300 },
    );
  });

  it('read back where each copy was read, for events that say', () => {
    fc.assert(
      fc.property(fc.array(sourcedEventArbitrary, { maxLength: 30 }), (events) => {
        expect(decodeEvents(USER, encodeEvents(USER, events))).toEqual(events);
      }),
      { numRuns: 300 },
    );
  });

  it('read the first format, which items written before the binary one still hold', () => {
    expect(decodeEvents(USER, Buffer.from(FIRST_FORMAT_BLOB, 'base64'))).toEqual(FIRST_FORMAT_EVENTS);
  });

  it('keep UUID messageIds and content ids as bytes: under 40 bytes an event for a realistic day', () => {
    const names = ['Product Viewed', 'Cart Viewed', 'Search', 'Checkout Started', 'Signed In'];
    let at = Date.UTC(2024, 0, 1, 9);
    const day = Array.from({ length: 40 }, (_, k) => {
      at += 5_000 + ((k * 7_919) % 90_000);
      const page = k % 4 === 0 ? `/products/${k % 7}` : null;
      return record({
        id: `m:${crypto.randomUUID()}`,
        timestamp: at,
        type: page === null ? 'track' : 'page',
        name: names[k % names.length] as string,
        userId: USER,
        anonymousId: '001dad9f-c0c3-4aa3-8325-3225ff2d2816',
        platform: 'web',
        page:
          page === null
            ? null
            : { url: `https://shop.example.com${page}`, path: page, title: 'Shop', referrer: null },
        device: { type: 'desktop', os: 'macOS', browser: 'Chrome' },
      });
    });
    const blob = encodeEvents(USER, day);
    expect(decodeEvents(USER, blob)).toEqual(day);
    expect(blob.length / day.length).toBeLessThan(30);
  });

  it('refuse a blob whose ids or numbers run past their part', () => {
    const blob = encodeEvents(USER, [record({ id: `m:${crypto.randomUUID()}`, timestamp: 1, userId: USER })]);
    const shorter = Buffer.from(blob);
    shorter[1] = 3; // the binary part ends inside the id
    expect(() => decodeEvents(USER, shorter)).toThrow(CorruptItemError);
    expect(() => decodeEvents(USER, blob.subarray(0, 2))).toThrow(CorruptItemError);
  });

  it('refuse a blob whose binary part holds bytes no event reads', () => {
    const blob = encodeEvents(USER, [record({ id: `m:${crypto.randomUUID()}`, timestamp: 1, userId: USER })]);
    const binaryLength = blob[1] as number; // one varint byte: a single event's binary part is short
    expect(binaryLength).toBeLessThan(0x80);
    const longer = Buffer.concat([
      Buffer.from([blob[0] as number, binaryLength + 1]),
      blob.subarray(2, 2 + binaryLength),
      Buffer.from([0]),
      blob.subarray(2 + binaryLength),
    ]);
    expect(() => decodeEvents(USER, longer)).toThrow(CorruptItemError);
  });

  it('refuse a blob whose source columns are not one entry per event', () => {
    const source = { object: 'incoming/a.ndjson', version: 'e:1', file: 'incoming/a.ndjson', record: 7 };
    const events = [
      record({ id: 'a', timestamp: 1, userId: USER, source }),
      record({ id: 'b', timestamp: 2, userId: USER, source: { ...source, record: 9 } }),
    ];
    const blob = encodeEvents(USER, events);
    const binaryEnd = 2 + (blob[1] as number); // one varint byte: two timestamps and no binary ids
    /** The blob with its columnar part edited. */
    const edited = (edit: (columns: Record<string, unknown[]>) => void) => {
      const columns = JSON.parse(inflateRawSync(blob.subarray(binaryEnd)).toString('utf8'));
      edit(columns);
      return Buffer.concat([blob.subarray(0, binaryEnd), deflateRawSync(JSON.stringify(columns))]);
    };
    const unedited = edited(() => undefined);
    expect(decodeEvents(USER, unedited)).toEqual(events);
    const refused = [
      edited((columns) => delete columns.ot),
      edited((columns) => delete columns.r),
      edited((columns) => columns.o?.pop()),
      edited((columns) => columns.r?.pop()),
      edited((columns) => columns.o?.push(0)),
      edited((columns) => columns.r?.push(1)),
    ];
    for (const corrupt of refused) expect(() => decodeEvents(USER, corrupt)).toThrow(CorruptItemError);
  });
});
