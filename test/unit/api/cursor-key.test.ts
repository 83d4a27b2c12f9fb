// On AWS the cursor-signing key stays in Secrets Manager: the Lambda entry reads it when a request first needs
// it, once, and again after a read that failed; the function's environment holds only the secret's ARN.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSecretText } from '../../../functions/adapters/secrets/secret-text.js';
import { eventsForSessions } from '../../helpers/fake-session-reader.js';
import { MockTable } from '../../helpers/mock-table.js';
import { storedUser } from '../../helpers/stored-items.js';
import { stubApiEnvironment, TABLE } from './api-environment.js';
import { gatewayEvent, send, TEST_SIGNING_KEY } from './api-event.js';

// AWS's documentation account: no real account id in the repository.
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor-key-AbCdEf';
const T0 = Date.UTC(2024, 0, 31, 9);

const ddb = mockClient(DynamoDBClient);
const secrets = mockClient(SecretsManagerClient);

type Entry = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let entry: Entry;
const get = (path: string, query = '') => send(entry, gatewayEvent('GET', path, { query }));

beforeAll(() => {
  stubApiEnvironment({
    CURSOR_SIGNING_KEY: undefined,
    CURSOR_SIGNING_KEY_SECRET_ARN: SECRET_ARN,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

// A cold start per test: the key is read once per loaded module.
beforeEach(async () => {
  ddb.reset();
  secrets.reset();
  const table = new MockTable(TABLE);
  table.serve(ddb);
  const stored = storedUser('brief', eventsForSessions('brief', 3, T0), {});
  table.put(stored.head, ...stored.items);
  vi.resetModules();
  ({ handler: entry } = await import('../../../functions/api/handler.js'));
});

const keyReads = () => secrets.commandCalls(GetSecretValueCommand);

describe('the cursor-signing key on AWS', () => {
  it('is read from its secret once, when a request first needs it, and signs cursors that come back', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: TEST_SIGNING_KEY });

    const first = await get('/users/brief/sessions', 'limit=1&order=asc');
    expect(first.status).toBe(200);
    const cursor = (first.body as { nextCursor: string | null }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await get('/users/brief/sessions', `limit=1&order=asc&cursor=${cursor}`);
    expect(second.status).toBe(200);
    expect((second.body as { sessions: { sessionNumber: number }[] }).sessions[0]?.sessionNumber).toBe(2);
    expect((await get('/users/brief')).status).toBe(200);

    expect(keyReads()).toHaveLength(1);
    expect(keyReads()[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it('answers 500 while the secret cannot be read, and reads it again on the next request', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('Rate exceeded'))
      .resolves({ SecretString: TEST_SIGNING_KEY });

    const failed = await get('/users/brief/sessions');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
    expect(JSON.stringify(failed.body)).not.toContain('Rate exceeded');

    expect((await get('/users/brief/sessions')).status).toBe(200);
    expect(keyReads()).toHaveLength(2);
  });

  it('refuses a key too short to sign with, without showing it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });

    const refused = await get('/users/brief/sessions');
    expect(refused.status).toBe(500);
    expect(JSON.stringify(refused.body)).not.toContain('short');
  });
});

describe('readSecretText', () => {
  it('says which secret holds no text', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    await expect(readSecretText(new SecretsManagerClient({}), SECRET_ARN)).rejects.toThrowError(
      `the secret ${SECRET_ARN} holds no text (a binary secret?)`,
    );
  });
});
