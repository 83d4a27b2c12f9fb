// Reading dropped rejections again opens the export as the first reading did: with the stage's member limit,
// not the default one (a stage may allow members past it, whose dropped rejections would else come back as
// "could not be read again").
import { describe, expect, it, vi } from 'vitest';
import type { OpenExportOptions } from '../../../../functions/domain/reading/containers.js';
import { MOST_HELD } from '../../../../functions/domain/reading/held-rejections.js';
import { readExport } from '../../../../functions/domain/reading/read-export.js';
import { chunks, event } from './read-export-fixture.js';

const opened = vi.hoisted(() => [] as (OpenExportOptions | undefined)[]);

vi.mock('../../../../functions/domain/reading/containers.js', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../../../functions/domain/reading/containers.js')>();
  return {
    ...original,
    openExport: (name: string, bytes: AsyncIterable<Uint8Array>, options?: OpenExportOptions) => {
      opened.push(options);
      return original.openExport(name, bytes, options);
    },
  };
});

describe('reading dropped rejections again', () => {
  it('opens the export with the member limit the first reading had', async () => {
    const lines = [
      ...Array.from({ length: MOST_HELD + 10 }, (_, index) => `not json ${index}`),
      event('m-1'),
    ];
    const bytes = Buffer.from(lines.join('\n'));
    const rejections: unknown[] = [];
    const maxMemberBytes = 5 * 1024 ** 3;

    await readExport(
      'a.ndjson',
      chunks(bytes),
      { format: 'auto', browserOf: () => null, maxMemberBytes, reopen: () => chunks(bytes) },
      { event: () => {}, rejected: (rejection) => rejections.push(rejection) },
    );

    expect(rejections).toHaveLength(MOST_HELD + 10);
    expect(opened).toHaveLength(2);
    expect(opened.map((options) => options?.maxMemberBytes)).toEqual([maxMemberBytes, maxMemberBytes]);
  });
});
