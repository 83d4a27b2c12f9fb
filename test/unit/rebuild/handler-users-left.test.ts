// The rebuild handler's finish against a mocked DynamoDB: the scan that counts the users left names them too
// (same items read) for the next call, which cuts them again and counts again; a count that finds none moves
// the rules record to the target. A count its time cut answers where each scan segment stopped; the next call
// scans on from there.
import {
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { userPk } from '../../../functions/adapters/dynamodb/keys.js';
import type { DynamoDbRebuilder } from '../../../functions/adapters/dynamodb/rebuilder.js';
import { DynamoDbTableRebuild } from '../../../functions/adapters/dynamodb/table-rebuild.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import type { UserRebuild } from '../../../functions/domain/store/ports.js';
import { createRebuildHandler } from '../../../functions/rebuild/create-handler.js';
import { MAX_RECUT_PASSES } from '../../../functions/rebuild/rebuild-table.js';
import { openFinish, seal } from '../../../functions/rebuild/sealed-state.js';

const OLD = compileRules({ gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false });
const TARGET = compileRules({ gapMinutes: 20, gapMinutesByPlatform: {}, identityStitching: false });
const TABLE = 'sessions';
const plentyOfTime = { getRemainingTimeInMillis: () => 300_000 };
/** The rebuild's key, as the rules record holds it. */
const SEAL_KEY = Buffer.alloc(32, 3);
/** What the handler answers in `next`, opened. */
const opened = (answer: unknown) => openFinish(SEAL_KEY, (answer as { next: { pass?: number } }).next);

const dynamo = mockClient(DynamoDBClient);

/** A head the count's filter lets through: under the old rules. */
const headLeft = (user: string) => ({ pk: { S: userPk(user) }, rf: { S: OLD.fingerprint } });

/** The users the count's scan finds left, by segment of its parallel scan. */
let left: Map<number, string[]>;
let recut: string[];

function handler() {
  const transport = new Transport({
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: TABLE,
    baseDelayMs: 1,
  });
  // Only the target and the one user's rebuild: the recut itself is the store's tests' (rebuild-drain).
  const rebuilder = {
    writer: { rules: TARGET },
    rebuildUser: async (user: string): Promise<UserRebuild> => {
      recut.push(user);
      for (const [segment, users] of left)
        left.set(
          segment,
          users.filter((other) => other !== user),
        );
      return { status: 'rebuilt', sessionsWritten: 1, linksOffered: 0, eventsMoved: 0 };
    },
  } as unknown as DynamoDbRebuilder;
  return createRebuildHandler({
    store: new DynamoDbTableRebuild({ transport, rebuilder }),
    logger: { info: () => undefined },
    drainMs: 0,
  });
}

beforeEach(() => {
  dynamo.reset();
  left = new Map([
    [2, ['z']],
    [5, ['late-1', 'late-2']],
  ]);
  recut = [];
  dynamo.on(GetItemCommand).resolves({
    Item: {
      pk: { S: 'META' },
      sk: { S: 'RULES' },
      rf: { S: OLD.fingerprint },
      ru: { S: JSON.stringify(OLD.source) },
      tf: { S: TARGET.fingerprint },
      tr: { S: JSON.stringify(TARGET.source) },
      tb: { N: '1000' },
      tk: { S: SEAL_KEY.toString('base64') },
    },
  });
  dynamo.on(ScanCommand).callsFake((input: ScanCommandInput) => {
    const users = left.get(input.Segment ?? -1) ?? [];
    return { Items: users.map(headLeft), Count: users.length };
  });
  dynamo.on(UpdateItemCommand).resolves({});
});

describe('rebuild handler, finish with users left (mocked DynamoDB)', () => {
  it('names the users left by the scan that counts them, for the next call to cut again', async () => {
    const answer = await handler()({ action: 'finish' }, plentyOfTime);

    expect(answer).toEqual({
      action: 'finish',
      usersLeft: 3,
      recut: 0,
      pass: 1,
      next: { action: 'finish', pass: 1, users: expect.any(String) },
    });
    expect(opened(answer)).toEqual({ pass: 1, users: ['z', 'late-1', 'late-2'] });
    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans).toHaveLength(8);
    for (const scan of scans) {
      // Keys and rules come back instead of a count: the Scan is billed by the items it reads either way.
      expect(scan).toMatchObject({
        TableName: TABLE,
        TotalSegments: 8,
        ProjectionExpression: '#pk, #rf, #li, #ea',
        FilterExpression: expect.stringContaining('#rf <> :target'),
        ExpressionAttributeValues: expect.objectContaining({ ':target': { S: TARGET.fingerprint } }),
      });
      expect(scan.Select).toBeUndefined();
    }
    // Not finished: the next call cuts them, then counts again.
    expect(recut).toEqual([]);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('cuts the users it is sent again, then finishes when the count finds none left', async () => {
    const run = handler();
    const answer = await run({ action: 'finish' }, plentyOfTime);

    expect(await run((answer as { next: unknown }).next, plentyOfTime)).toEqual({
      action: 'finish',
      counted: true,
    });
    expect(recut).toEqual(['z', 'late-1', 'late-2']);
    const updates = dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(updates).toEqual([
      expect.objectContaining({
        UpdateExpression: 'SET rf = :rf, ru = :ru REMOVE tf, tr, tb, tk',
        ConditionExpression: 'tf = :tf',
      }),
    ]);
  });

  it(`refuses, without finishing, users still left after ${MAX_RECUT_PASSES} passes`, async () => {
    await expect(handler()({ action: 'finish', pass: MAX_RECUT_PASSES }, plentyOfTime)).rejects.toThrow(
      /3 users are still cut under the old rules after the finish cut the users left again 3 times/,
    );
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('answers where each segment of a count its time cut stopped, and the next call scans on from there', async () => {
    const key = (user: string) => ({ pk: { S: userPk(user) }, sk: { S: 'H' } });
    // Segment 2 has a second page after `z`; segment 5 is done after one; the rest have none left.
    dynamo.on(ScanCommand).callsFake((input: ScanCommandInput) => {
      const users = input.ExclusiveStartKey === undefined ? (left.get(input.Segment ?? -1) ?? []) : ['y'];
      const more = input.Segment === 2 && input.ExclusiveStartKey === undefined;
      return {
        Items: users.map(headLeft),
        Count: users.length,
        ...(more && { LastEvaluatedKey: key('z') }),
      };
    });
    const run = handler();
    const outOfTime = { getRemainingTimeInMillis: () => 0 };

    const cut = await run({ action: 'finish' }, outOfTime);

    const cursor = JSON.stringify({ pk: userPk('z'), sk: 'H' });
    const segments = Array.from({ length: 8 }, (_, segment) =>
      segment === 2 ? { cursor, done: false } : { cursor: null, done: true },
    );
    expect(cut).toMatchObject({ action: 'finish', counting: true, found: 3, pass: 0 });
    expect(opened(cut)).toEqual({ pass: 0, count: { segments, found: 3, users: ['z', 'late-1', 'late-2'] } });
    // Sealed: the execution history keeps the answer past any erasure.
    expect(JSON.stringify(cut)).not.toMatch(/U#|late-|"z"/);
    // Eight keys of at most a user's key each: far below Step Functions' 256 KB.
    expect(JSON.stringify(cut).length).toBeLessThan(2_000);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);

    dynamo.resetHistory();
    const found = await run((cut as { next: unknown }).next, outOfTime);

    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans).toEqual([expect.objectContaining({ Segment: 2, ExclusiveStartKey: key('z') })]);
    expect(found).toEqual({
      action: 'finish',
      usersLeft: 4,
      recut: 0,
      pass: 1,
      next: { action: 'finish', pass: 1, users: expect.any(String) },
    });
    expect(opened(found)).toEqual({ pass: 1, users: ['z', 'late-1', 'late-2', 'y'] });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('refuses a count position of another number of segments than the count scans', async () => {
    const count = {
      segments: [{ cursor: null, done: false }],
      found: 0,
      users: seal(SEAL_KEY, 'users', '[]'),
    };
    await expect(handler()({ action: 'finish', count }, plentyOfTime)).rejects.toThrow(
      /a count position of 1 segments is not one this count answered \(8\)/,
    );
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });
});

describe('a segment sent a cursor no segment answered', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(GetItemCommand).resolves({});
  });

  it.each([
    ['no JSON', `${userPk('alice@example.com')}`, /is no JSON/],
    [
      'a key with more than pk and sk',
      JSON.stringify({ pk: userPk('alice@example.com'), sk: 'H', x: 1 }),
      /pk and sk/,
    ],
    ['a key without sk', JSON.stringify({ pk: userPk('alice@example.com') }), /pk and sk/],
  ])(
    'refuses %s, saying what is wrong without the cursor, which may hold a user id',
    async (_what, cursor, why) => {
      const scanning = new DynamoDbTableRebuild({
        transport: new Transport({ client: new DynamoDBClient({ region: 'us-east-1' }), tableName: TABLE }),
        rebuilder: { writer: { rules: TARGET } } as unknown as DynamoDbRebuilder,
      }).scanUsers(0, 1, cursor);

      await expect(scanning).rejects.toThrow(why);
      await expect(scanning).rejects.toThrow(/pass back the cursor of the previous answer, or null/);
      const message = await scanning.catch((error: Error) => error.message);
      expect(message).not.toContain('alice');
      expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    },
  );
});
