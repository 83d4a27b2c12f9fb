// The modules lib/config/bundling.ts replaces in the Lambda bundles, and what replaces them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../functions/shared/lambda-credentials.js';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../../functions/shared/no-event-streams.js';
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

describe('No event streams', () => {
  it('replaces the SDK module in the bundles', () => {
    expect(lambdaBundleSettings.alias['@smithy/core/event-streams']).toBe(
      './functions/shared/no-event-streams.ts',
    );
  });

  it('lets a client be configured, and fails an event-stream operation saying why', () => {
    const config = { region: 'us-east-1' };
    expect(resolveEventStreamSerdeConfig(config)).toBe(config);
    expect(() => eventStreamSerdeProvider()).toThrow(
      'event streams are left out of the Sessionizer Lambda bundles',
    );
    expect(() => new EventStreamSerde()).toThrow(
      'event streams are left out of the Sessionizer Lambda bundles',
    );
  });
});
