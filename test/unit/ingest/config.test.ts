import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../../functions/ingest/config.js';

const required = { TABLE_NAME: 'sessions', BUCKET_NAME: 'sessionizer-exports' };

describe('loadIngestConfig', () => {
  it('applies the defaults', () => {
    expect(loadIngestConfig(required)).toEqual({
      tableName: 'sessions',
      bucketName: 'sessionizer-exports',
      gapMinutes: 30,
      gapMs: 1_800_000,
      incomingPrefix: 'incoming/',
      rejectedPrefix: 'rejected/',
      metricsNamespace: 'Sessionizer',
      serviceName: 'sessionizer-ingest',
    });
  });

  it('reads the gap in minutes, fractions included', () => {
    expect(loadIngestConfig({ ...required, SESSION_GAP_MINUTES: '7.5' })).toMatchObject({
      gapMinutes: 7.5,
      gapMs: 450_000,
    });
    expect(loadIngestConfig({ ...required, SESSION_GAP_MINUTES: '' })).toMatchObject({ gapMinutes: 30 });
  });

  it.each(['0', '-5', 'thirty', 'Infinity'])('refuses a gap of %j', (gap) => {
    expect(() => loadIngestConfig({ ...required, SESSION_GAP_MINUTES: gap })).toThrow(/SESSION_GAP_MINUTES/);
  });

  it('names every missing variable', () => {
    expect(() => loadIngestConfig({})).toThrow(/TABLE_NAME.*BUCKET_NAME/);
  });

  it.each([
    ['incoming/', 'incoming/rejected/'],
    ['data/', 'data/'],
    ['exports/rejected/', 'exports/'],
  ])('refuses prefixes that would make reports trigger ingest (%j, %j)', (incoming, rejected) => {
    expect(() =>
      loadIngestConfig({ ...required, INCOMING_PREFIX: incoming, REJECTED_PREFIX: rejected }),
    ).toThrow(/must not contain one another/);
  });
});
