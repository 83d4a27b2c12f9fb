import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../../functions/api/config.js';

const KEY = 'k'.repeat(32);

describe('loadApiConfig', () => {
  it('reads the table, key and defaults', () => {
    expect(loadApiConfig({ TABLE_NAME: 'sessions', CURSOR_SIGNING_KEY: KEY })).toEqual({
      tableName: 'sessions',
      cursorSigningKey: KEY,
      corsAllowedOrigins: [],
      gapMs: 30 * 60_000,
      serviceName: 'sessionizer-api',
    });
  });

  it('splits and trims the CORS origins and reads the optional settings', () => {
    const config = loadApiConfig({
      TABLE_NAME: 't',
      CURSOR_SIGNING_KEY: KEY,
      CORS_ALLOWED_ORIGINS: ' https://a.example , *,,https://b.example:8443 ',
      SESSION_GAP_MINUTES: '45',
      POWERTOOLS_SERVICE_NAME: 'api',
    });
    expect(config.corsAllowedOrigins).toEqual(['https://a.example', '*', 'https://b.example:8443']);
    expect(config.gapMs).toBe(45 * 60_000);
    expect(config.serviceName).toBe('api');
  });

  it('names every bad variable without echoing the key', () => {
    const short = 'short-secret-value';
    expect(() => loadApiConfig({ CURSOR_SIGNING_KEY: short, SESSION_GAP_MINUTES: '0' })).toThrowError(
      /TABLE_NAME.*CURSOR_SIGNING_KEY must be at least 32 characters.*SESSION_GAP_MINUTES must be greater than 0/,
    );
    try {
      loadApiConfig({ CURSOR_SIGNING_KEY: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('rejects an empty table name', () => {
    expect(() => loadApiConfig({ TABLE_NAME: '', CURSOR_SIGNING_KEY: KEY })).toThrowError(
      /TABLE_NAME must be set/,
    );
  });
});
