import type { EventRecord } from '../../functions/domain/events/event.js';
import { FORMATS } from '../../functions/domain/events/formats/detect.js';
import type { ConcreteFormat } from '../../functions/domain/events/formats/format.js';
import {
  type BrowserOf,
  type NormalizeOutcome,
  normalizeEvent,
} from '../../functions/domain/events/normalize.js';
import { ParsedFields } from './parsed-fields.js';

const noBrowser: BrowserOf = () => null;

/** Rules 1-4 for one object as `JSON.parse` gives it, in a named format (the reader's fallback path). */
export function normalizeObject(
  format: ConcreteFormat,
  object: Record<string, unknown>,
  browserOf: BrowserOf = noBrowser,
): NormalizeOutcome {
  const exportFormat = FORMATS[format];
  return normalizeEvent(exportFormat, new ParsedFields(exportFormat.paths).reset(object), browserOf);
}

/** The accepted event; fails the test with the rejection reason otherwise. */
export function acceptedEvent(
  format: ConcreteFormat,
  object: Record<string, unknown>,
  browserOf?: BrowserOf,
): EventRecord {
  const outcome = normalizeObject(format, object, browserOf);
  if (!outcome.ok) throw new Error(`expected the event to be accepted, got: ${outcome.reason}`);
  return outcome.event;
}

/** The rejection reason; fails the test when the event is accepted. */
export function rejectionReason(format: ConcreteFormat, object: Record<string, unknown>): string {
  const outcome = normalizeObject(format, object);
  if (outcome.ok) throw new Error(`expected a rejection, got event ${JSON.stringify(outcome.event)}`);
  return outcome.reason;
}
