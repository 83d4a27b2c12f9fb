import { MAX_RECORD_BYTES } from '../../functions/domain/reading/byte-record.js';

/**
 * An export whose first object, Mixpanel's, is too long to hold, its detecting members (`event`, written with
 * an escape, and `properties.time`) after its long value; then a Segment event (Bob's) and a Mixpanel one
 * (Ann's). Read in the format its first object shows (rule 1b), by the CLI and the ingest alike (rule 6): the
 * long object and the Segment event rejected, Ann's event kept.
 */
const first = `{"pad":"${'x'.repeat(MAX_RECORD_BYTES)}","ev\\u0065nt":"Big","properties":{"time":1704099600,"distinct_id":"bob"}}`;
const segment = JSON.stringify({
  type: 'track',
  event: 'Clicked',
  userId: 'bob',
  timestamp: '2024-01-01T09:00:00Z',
  messageId: 'm-1',
});
const mixpanel = JSON.stringify({
  event: 'Clicked',
  properties: { time: 1704099600, distinct_id: 'ann', $insert_id: 'i-1' },
});

export const LONG_FIRST_OBJECT_EXPORT = `${first}\n${segment}\n${mixpanel}\n`;

/** The rejections of {@link LONG_FIRST_OBJECT_EXPORT} named `file`, as a report or the CLI gives them. */
export function longFirstObjectRejections(file: string) {
  return [
    {
      file,
      position: 1,
      reason: `record too long (${first.length} bytes; at most ${MAX_RECORD_BYTES})`,
      raw: `${first.slice(0, 1024)}…`,
    },
    {
      file,
      position: 2,
      reason:
        'missing properties.time; no identity: properties.$user_id, properties.distinct_id and properties.$device_id are all missing or empty',
      raw: segment,
    },
  ];
}
