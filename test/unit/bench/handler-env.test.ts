import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../../bench/handler-env.js';
import { loadAdminConfig } from '../../../functions/admin/config.js';
import { loadApiConfig } from '../../../functions/api/config.js';
import { loadIngestConfig } from '../../../functions/ingest/config.js';
import { loadRebuildConfig } from '../../../functions/rebuild/config.js';

// The benchmark times each bundle's import, which parses its config first: a variable a function came to
// need and the benchmark's environment lacks fails that row instead of timing it.
describe("the benchmark's environment for timing module init", () => {
  it.each([
    ['ingest', loadIngestConfig],
    ['api', loadApiConfig],
    ['rebuild', loadRebuildConfig],
    ['admin', loadAdminConfig],
  ])('is a valid %s configuration', (_name, load) => {
    expect(() => load({ ...HANDLER_ENV })).not.toThrow();
  });
});
