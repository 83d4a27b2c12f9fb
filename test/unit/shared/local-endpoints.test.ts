import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('local endpoint variables', () => {
  it('names a variable that is not a URL in one readable error, at cold start', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'localhost:9000');
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://127.0.0.1:8000');

    await expect(import('../../../functions/shared/local-endpoints.js')).rejects.toThrow(
      /^invalid endpoint configuration: AWS_ENDPOINT_URL_S3: must be an http\(s\) URL/,
    );
  });

  it('takes URLs, and a blank variable as unset', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://127.0.0.1:8000');

    const { localEndpoints } = await import('../../../functions/shared/local-endpoints.js');

    expect(localEndpoints).toMatchObject({
      AWS_ENDPOINT_URL_S3: undefined,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
  });
});
