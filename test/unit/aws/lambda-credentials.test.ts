// The Lambda bundles' stand-in for the SDK's default credential chain (lib/config/bundling.ts aliases it).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../functions/shared/lambda-credentials.js';
import { lambdaBundleSettings } from '../../../lib/config/bundling.js';

describe('Lambda credentials', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('replaces the default chain in the bundles', () => {
    expect(lambdaBundleSettings.alias['@aws-sdk/credential-provider-node']).toBe(
      './functions/shared/lambda-credentials.ts',
    );
  });

  it('gives the credentials Lambda puts in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');

    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('says plainly that there are none when the environment has none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');

    await expect(defaultProvider()()).rejects.toThrow('Unable to find environment variable credentials.');
  });
});
