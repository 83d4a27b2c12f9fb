import { expect } from 'vitest';
import {
  type ExportReadSink,
  type ReadExportOptions,
  readExport,
} from '../../../../functions/domain/reading/read-export.js';
import { EventCollector } from '../../../../functions/domain/sessions/collector.js';

/**
 * Reading records both ways into collectors, for the tests that hold plain Segment events
 * (reading/plain-segment.ts into EventColumns.addPlain) to the usual way (normalizeEvent into EventColumns.add).
 */

export const OPTIONS: ReadExportOptions = { format: 'segment', browserOf: (agent) => `browser of ${agent}` };

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

export interface Collected {
  readonly collector: EventCollector;
  readonly plain: number;
  readonly rejected: string[];
}

/**
 * Reads each line as a file of its own into one collector, offering plain events to the collector only for
 * the lines `plain` names (1-based), so that one collector gets events both ways in any order.
 */
export async function collect(
  lines: readonly string[],
  plain: (line: number) => boolean,
  options: ReadExportOptions = OPTIONS,
): Promise<Collected> {
  const collector = new EventCollector(true);
  let plainCount = 0;
  const rejected: string[] = [];
  for (const [index, text] of lines.entries()) {
    const sink: ExportReadSink = {
      event: (event, position) => collector.add(event, position),
      rejected: (rejection) => rejected.push(rejection.reason),
    };
    if (plain(index + 1)) {
      sink.plainEvent = (event) => {
        plainCount++;
        collector.addPlain(event, event.file);
      };
    }
    await readExport(`events-${index}.ndjson`, once(text), options, sink);
  }
  return { collector, plain: plainCount, rejected };
}

export function columnsOf({ collector }: Collected) {
  const columns = collector.columns;
  return Array.from({ length: columns.length }, (_, at) => ({
    event: { ...columns.event(at), id: columns.eventId(at) },
    source: columns.source(at),
    userId: columns.userId(at),
    anonymousId: columns.anonymousId(at),
  }));
}

export async function expectSameColumns(
  lines: readonly string[],
  options: ReadExportOptions = OPTIONS,
): Promise<number> {
  const usual = await collect(lines, () => false, options);
  const plain = await collect(lines, () => true, options);
  expect(columnsOf(plain)).toEqual(columnsOf(usual));
  expect(plain.rejected).toEqual(usual.rejected);
  expect(plain.collector.size).toBe(usual.collector.size);
  return plain.plain;
}
