import { amplitudeFormat } from './amplitude.js';
import { type ConcreteFormat, type ExportFormat, pathTable, type RecordFields } from './format.js';
import { mixpanelFormat } from './mixpanel.js';
import { posthogFormat } from './posthog.js';
import { segmentFormat } from './segment.js';

export const FORMATS: Readonly<Record<ConcreteFormat, ExportFormat>> = {
  segment: segmentFormat,
  amplitude: amplitudeFormat,
  mixpanel: mixpanelFormat,
  posthog: posthogFormat,
};

const detection = pathTable({
  type: ['type'],
  eventType: ['event_type'],
  eventTime: ['event_time'],
  event: ['event'],
  propertiesTime: ['properties', 'time'],
  distinctId: ['distinct_id'],
  uuid: ['uuid'],
});

/** The members `auto` looks at in a file's first JSON object. */
export const DETECTION_PATHS = detection.paths;

/**
 * `auto`: the first format, in table order, whose detecting members the object has (a member counts when
 * present, whatever its value); Segment when none matches.
 */
export function detectFormat(fields: RecordFields): ConcreteFormat {
  const has = (path: number) => fields.has(path);
  const { at } = detection;
  if (has(at.type)) return 'segment';
  if (has(at.eventType) && has(at.eventTime)) return 'amplitude';
  if (has(at.event) && has(at.propertiesTime)) return 'mixpanel';
  if (has(at.event) && has(at.distinctId) && has(at.uuid)) return 'posthog';
  return 'segment';
}
