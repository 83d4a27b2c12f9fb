import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../../functions/api/config.js';

const KEY = 'k'.repeat(32);

describe('loadApiConfig', () => {
  it('reads the table and key, with defaults for the rest', () => {
    expect(loadApiConfig({ TABLE_NAME: 'sessions', CURSOR_SIGNING_KEY: KEY })).toEqual({
      tableName: 'sessions',
      cursorSigningKey: KEY,
      corsAllowedOrigins: [],
      pathsDecoded: false,
      serviceName: 'sessionizer-api',
    });
  });

  it('splits and trims the CORS origins and reads the optional settings', () => {
    const config = loadApiConfig({
      TABLE_NAME: 't',
      CURSOR_SIGNING_KEY: KEY,
      CORS_ALLOWED_ORIGINS: ' https://a.example , *,,https://b.example:8443 ',
      API_PATHS_DECODED: 'true',
      POWERTOOLS_SERVICE_NAME: 'api',
    });
    expect(config.corsAllowedOrigins).toEqual(['https://a.example', '*', 'https://b.example:8443']);
    expect(config.pathsDecoded).toBe(true);
    expect(config.serviceName).toBe('api');
  });

  it.each([
    ['false', false],
    ['true', true],
  ])('reads API_PATHS_DECODED=%s', (value, decoded) => {
    expect(
      loadApiConfig({ TABLE_NAME: 't', CURSOR_SIGNING_KEY: KEY, API_PATHS_DECODED: value }).pathsDecoded,
    ).toBe(decoded);
  });

  it('no longer reads the session gap: sessions come cut from the store', () => {
    const config = loadApiConfig({ TABLE_NAME: 't', CURSOR_SIGNING_KEY: KEY, SESSION_GAP_MINUTES: '0' });
    expect(Object.keys(config).sort()).toEqual([
      'corsAllowedOrigins',
      'cursorSigningKey',
      'pathsDecoded',
      'serviceName',
      'tableName',
    ]);
  });

  it('names every bad variable without echoing the key', () => {
    const short = 'short-secret-value';
    let message = '';
    try {
      loadApiConfig({ CURSOR_SIGNING_KEY: short, API_PATHS_DECODED: 'yes' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^invalid API configuration: TABLE_NAME: .*; CURSOR_SIGNING_KEY: must be at least 32 characters; API_PATHS_DECODED: must be true or false$/,
    );
    expect(message).not.toContain(short);
  });

  it('takes the key’s Secrets Manager ARN instead of the key, as deployed', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor-key-AbCdEf';
    const config = loadApiConfig({ TABLE_NAME: 't', CURSOR_SIGNING_KEY_SECRET_ARN: arn });
    expect(config).toMatchObject({ cursorSigningKeySecretArn: arn });
    expect(config).not.toHaveProperty('cursorSigningKey');
  });

  it.each([
    ['neither', {}],
    ['both', { CURSOR_SIGNING_KEY: KEY, CURSOR_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x' }],
  ])('wants exactly one of the key and its secret (%s given)', (_, variables) => {
    expect(() => loadApiConfig({ TABLE_NAME: 't', ...variables })).toThrowError(
      /^invalid API configuration: exactly one of CURSOR_SIGNING_KEY and CURSOR_SIGNING_KEY_SECRET_ARN must be set$/,
    );
  });

  it('rejects an empty table name', () => {
    expect(() => loadApiConfig({ TABLE_NAME: '', CURSOR_SIGNING_KEY: KEY })).toThrowError(
      /TABLE_NAME: must be set/,
    );
  });
});
