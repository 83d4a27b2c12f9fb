// Every configuration loader words its error one way (config-error.ts): `invalid <what> configuration: `, then
// each variable's problem as `NAME: problem`, so an operator reads the functions' and the stack's alike.
import { describe, expect, it } from 'vitest';
import { loadAdminConfig } from '../../../functions/admin/config.js';
import { loadApiConfig } from '../../../functions/api/config.js';
import { loadIngestConfig } from '../../../functions/ingest/config.js';
import { loadRebuildConfig } from '../../../functions/rebuild/config.js';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration loaded');
}

describe('the configuration loaders', () => {
  it.each([
    ['admin', () => loadAdminConfig({}), 'TABLE_NAME'],
    ['API', () => loadApiConfig({ CURSOR_SIGNING_KEY: 'k'.repeat(32) }), 'TABLE_NAME'],
    ['ingest', () => loadIngestConfig({}), 'TABLE_NAME'],
    ['rebuild', () => loadRebuildConfig({}), 'TABLE_NAME'],
    ['local stack', () => loadLocalStackConfig({ PORT: 'abc' }, '/'), 'PORT'],
  ])('word a %s variable’s problem as every other does', (what, load, variable) => {
    expect(messageOf(load)).toMatch(new RegExp(`^invalid ${what} configuration: ${variable}: \\S`));
  });

  it('name a part of a JSON variable by its place in it', () => {
    const message = messageOf(() => loadLocalStackConfig({ SESSIONIZER_SOURCES: '[{"name":1}]' }, '/'));
    expect(message).toMatch(/^invalid local stack configuration: SESSIONIZER_SOURCES\[0\]\.name: /);
    const ingest = messageOf(() => loadIngestConfig({ SOURCES: '[{"name":1}]' }));
    expect(ingest).toMatch(/; SOURCES\[0\]\.name: /);
  });
});
