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

/** The formats, in table order, whose detecting members the object has (a member counts whatever its value). */
export function recognisedFormats(fields: Pick<RecordFields, 'has'>): ConcreteFormat[] {
  const has = (path: number) => fields.has(path);
  const { at } = detection;
  const formats: ConcreteFormat[] = [];
  if (has(at.type)) formats.push('segment');
  if (has(at.eventType) && has(at.eventTime)) formats.push('amplitude');
  if (has(at.event) && has(at.propertiesTime)) formats.push('mixpanel');
  if (has(at.event) && has(at.distinctId) && has(at.uuid)) formats.push('posthog');
  return formats;
}

/** `auto`: the first format whose detecting members the file's first object has; Segment when none does. */
export function detectFormat(fields: Pick<RecordFields, 'has'>): ConcreteFormat {
  return recognisedFormats(fields)[0] ?? 'segment';
}
