import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES, type SourceDefinition } from '../../../contract/index.js';
import { notAnExportByName } from '../../../functions/domain/reading/not-exports.js';
import { sourceOf } from '../../../functions/ingest/sources.js';

const NESTED: SourceDefinition[] = [
  { name: 'everything', prefix: 'data/', format: 'auto' },
  { name: 'amplitude', prefix: 'data/amplitude/', format: 'amplitude' },
  { name: 'amplitude-eu', prefix: 'data/amplitude/eu/', format: 'amplitude' },
];

describe('sourceOf', () => {
  it.each([
    ['incoming/export.ndjson', 'incoming'],
    ['segment-logs/q1Zx8pQ2mV/1704067200000/1704153540123.a3f9c2e1.gz', 'segment'],
    ['rudder-logs/2Ab/2024-01-01/1704153540123.json.gz', 'rudderstack'],
  ])('finds the default source of %s', (key, name) => {
    expect(sourceOf(key, DEFAULT_SOURCES)?.name).toBe(name);
  });

  it.each([
    ['data/x.json', 'everything'],
    ['data/amplitude/x.json', 'amplitude'],
    ['data/amplitude/eu/x.json', 'amplitude-eu'],
    ['data/amplitude-eu/x.json', 'everything'],
  ])('gives %s to the longest prefix it is under (%s)', (key, name) => {
    expect(sourceOf(key, NESTED)?.name).toBe(name);
    expect(sourceOf(key, [...NESTED].reverse())?.name).toBe(name);
  });

  it.each([
    'rejected/incoming/export.ndjson.ndjson',
    'Incoming/export.ndjson',
    'incoming',
    'other/incoming/export.ndjson',
    'segment-logs',
  ])('finds no source for %s', (key) => {
    expect(sourceOf(key, DEFAULT_SOURCES)).toBeUndefined();
  });
});

describe('notAnExportByName', () => {
  it.each([
    ['incoming/', 'a folder marker'],
    ['segment-logs/q1Zx8pQ2mV/', 'a folder marker'],
    ['incoming/manifest.json', 'an export manifest'],
    ['incoming/2024-01-01/MANIFEST.JSON', 'an export manifest'],
    ['incoming/events.parquet', 'a Parquet file (only JSON exports are read)'],
    ['incoming/part-0001.snappy.PARQUET', 'a Parquet file (only JSON exports are read)'],
    ['incoming/job/_SUCCESS', 'a job completion marker'],
    ['incoming/.keep', 'a placeholder'],
    ['incoming/2024/.keep', 'a placeholder'],
    ['incoming/.DS_Store', 'a Finder file'],
    ['incoming/._events.ndjson', 'a macOS resource fork (AppleDouble)'],
  ])('knows %s is %s', (key, what) => {
    expect(notAnExportByName(key)).toBe(what);
  });

  it.each([
    'incoming/export.ndjson',
    'incoming/manifest.json.gz',
    'incoming/my-manifest.json',
    'incoming/parquet-export.json',
    'incoming/_SUCCESS.json',
    'incoming/file.keep.ndjson',
    'incoming/archive.zip',
    'incoming/.events.ndjson',
    'incoming/my._events.ndjson',
    'segment-logs/q1Zx8pQ2mV/1704067200000/1704153540123.a3f9c2e1-5b7d-4e8a-9c0f-1d2e3f4a5b6c.gz',
  ])('reads %s as an export', (key) => {
    expect(notAnExportByName(key)).toBeUndefined();
  });
});
