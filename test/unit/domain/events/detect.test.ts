import { describe, expect, it } from 'vitest';
import {
  DETECTION_PATHS,
  detectFormat,
  recognisedFormats,
} from '../../../../functions/domain/events/formats/detect.js';
import { ParsedFields } from '../../../helpers/parsed-fields.js';

const fieldsOf = (text: string) =>
  new ParsedFields(DETECTION_PATHS).reset(JSON.parse(text) as Record<string, unknown>);

describe('detectFormat', () => {
  it.each([
    ['{"type":"track"}', 'segment'],
    ['{"type":null}', 'segment'],
    ['{"event_type":"Play","event_time":"2024-01-01 09:00:00"}', 'amplitude'],
    ['{"event":"Signup","properties":{"time":1704099600}}', 'mixpanel'],
    ['{"event":"Signup","properties":{"time":null}}', 'mixpanel'],
    ['{"event":"x","distinct_id":"d","uuid":"u"}', 'posthog'],
    ['{"event":"x","distinct_id":null,"uuid":null,"properties":{}}', 'posthog'],
  ])('reads %s as %s (a key counts whatever its value)', (text, format) => {
    expect(detectFormat(fieldsOf(text))).toBe(format);
  });

  it('takes the first matching column: Segment, Amplitude, Mixpanel, PostHog', () => {
    const allFour =
      '{"type":"t","event_type":"e","event_time":"t","event":"e","distinct_id":"d","uuid":"u","properties":{"time":1}}';
    expect(recognisedFormats(fieldsOf(allFour))).toEqual(['segment', 'amplitude', 'mixpanel', 'posthog']);
    expect(detectFormat(fieldsOf(allFour))).toBe('segment');
    // The docs' example: PostHog's three keys, but Mixpanel's column comes first.
    expect(
      detectFormat(
        fieldsOf('{"event":"Signup","distinct_id":"d1","uuid":"u1","properties":{"time":1704099600}}'),
      ),
    ).toBe('mixpanel');
  });

  it('needs every detecting key of a format', () => {
    expect(recognisedFormats(fieldsOf('{"event_type":"Play"}'))).toEqual([]);
    expect(recognisedFormats(fieldsOf('{"event":"x","distinct_id":"d"}'))).toEqual([]);
    expect(recognisedFormats(fieldsOf('{"event":"x","time":1}'))).toEqual([]);
    expect(recognisedFormats(fieldsOf('{"event":"x","properties":[{"time":1}]}'))).toEqual([]);
    expect(recognisedFormats(fieldsOf('{"event":"x","properties":"time"}'))).toEqual([]);
  });

  it('reads an object of no format as segment', () => {
    expect(detectFormat(fieldsOf('{"hello":"world"}'))).toBe('segment');
    expect(detectFormat(fieldsOf('{}'))).toBe('segment');
  });
});
