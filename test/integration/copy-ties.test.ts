// Copies of one event end to end, uploaded to a local S3 and ingested by the real handler into DynamoDB Local.
// Rule 3's last tie-break across files: of copies at one instant that differ, in separate objects, the store
// keeps the one whose canonical JSON sorts first, reading the stored copy again from its object. Rule 8 across
// a rebuild: links carried only by copies that lost are kept, so turning stitching on finds them.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { rebuildingSessionWriter } from '../../functions/adapters/dynamodb/rebuilder.js';
import { copyTextReader } from '../../functions/adapters/s3/copy-texts.js';
import { S3ObjectSource } from '../../functions/adapters/s3/object-source.js';
import type { SessionRules } from '../../functions/domain/rules/session-rules.js';
import { CallCopyTexts } from '../../functions/domain/store/copy-texts.js';
import { permutations } from '../helpers/permutations.js';
import { sqsEvent } from '../helpers/sqs-events.js';
import { localIngestHandler, useIngestServers } from './ingest-servers.js';
import { rebuildTo, recordRules, rulesOf, runRebuild } from './store/rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedEventsOf } from './store/store-harness.js';

const BUCKET = 'sessionizer-copy-ties-it';

/** Two copies of one event at one instant: Zeta's text sorts first (its context does), Alpha's projection. */
const copyLine = (name: string, ip: string, who: string) =>
  `{"type":"track","event":"${name}",${who},"timestamp":"2024-01-01T09:00:00Z","messageId":"x","context":{"ip":"${ip}"}}\n`;
const ZETA = (who: string) => copyLine('Zeta', '1', who);
const ALPHA = (who: string) => copyLine('Alpha', '2', who);

const servers = useIngestServers(BUCKET);
let uploads = 0;

/** Uploads `text` under a fresh key and ingests it through the handler; returns the key. */
async function uploadAndIngest(store: StoreUnderTest, text: string) {
  const key = `incoming/ties/${++uploads}.ndjson`;
  await servers.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text }));
  const [notification] = await servers.notificationsFor(`the notification of ${key}`, (at) => at === key, 1);
  const result = await localIngestHandler(servers, BUCKET, store)(sqsEvent([notification]));
  expect(result.batchItemFailures).toEqual([]);
  expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['ingested']);
  return key;
}

/** Copies read again from the exports in the local bucket, as the rebuild function reads them. */
const exportTexts = () => new CallCopyTexts(copyTextReader(new S3ObjectSource(servers.s3.client), BUCKET));

const namesOf = async (store: StoreUnderTest, user: string) =>
  (await storedEventsOf(store, user)).map((event) => event.name);

describe('differing copies at one instant in separate objects', () => {
  const cases: [string, Partial<SessionRules>, string, string][] = [
    ['a user', {}, '"userId":"u"', 'u'],
    ['an anonymousId, stitching on', { identityStitching: true }, '"anonymousId":"anon"', 'anon'],
  ];
  it.each(cases)(
    'keeps the copy whose text sorts first, for %s, whichever object comes first',
    async (_, rules, who, user) => {
      for (const order of [
        [ZETA(who), ALPHA(who)],
        [ALPHA(who), ZETA(who)],
      ]) {
        const store = await freshStore(servers.dynamo.client, rules);
        for (const text of order) await uploadAndIngest(store, text);
        expect(await namesOf(store, user)).toEqual(['Zeta']);
      }
    },
  );

  it.each(cases)(
    'keeps the copy whose text sorts first among copies alike in projection, for %s, in every order',
    async (_, rules, who, user) => {
      // Two Zetas that differ only where no rule looks (ip 1 sorts first), and Alpha, whose text sorts
      // between them: in any order, the Zeta at ip 1 must be the copy stored, or Alpha wins against the other.
      const copies = [copyLine('Zeta', '3', who), ZETA(who), ALPHA(who)];
      for (const order of permutations([0, 1, 2])) {
        const store = await freshStore(servers.dynamo.client, rules);
        for (const at of order) await uploadAndIngest(store, copies[at] as string);
        expect(await namesOf(store, user), `order ${order.join(', ')}`).toEqual(['Zeta']);
      }
    },
  );

  it('weighs a tie by projection when the stored copy’s object was replaced since (no versions here)', async () => {
    const store = await freshStore(servers.dynamo.client);
    const key = await uploadAndIngest(store, ZETA('"userId":"u"'));
    await servers.s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: copyLine('Other', '1', '"userId":"v"') }),
    );
    await uploadAndIngest(store, ALPHA('"userId":"u"'));
    expect(await namesOf(store, 'u')).toEqual(['Alpha']);
  });
});

// Event x from u and, at the same instant, from dev without a userId: two partitions until a link of dev to u,
// two days later, moves dev's copy next to u's. The anonymous copy's text sorts first ("anonymousId" is its
// first key), u's projection does (Alpha): the batch keeps the anonymous copy.
const copiesLinked = [
  '{"type":"track","event":"Zeta","anonymousId":"dev","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
  '{"type":"track","event":"Alpha","userId":"u","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
  '{"type":"identify","userId":"u","anonymousId":"dev","messageId":"link","timestamp":"2024-01-03T10:00:00Z"}',
];

describe('copies a link brings together, stitching on', () => {
  // The merge of the link's own event does not reach that day (this store loads windows, as one of over 1,000
  // events does): the move itself weighs the copies by text.

  it.each(permutations([0, 1, 2]).map((order) => [order]))(
    'keeps the copy whose text sorts first, objects in the order %j',
    async (order) => {
      const store = await freshStore(servers.dynamo.client, { identityStitching: true });
      for (const at of order) await uploadAndIngest(store, `${copiesLinked[at]}\n`);
      expect(await namesOf(store, 'u')).toEqual(['Zeta', null]);
    },
  );
});

describe('copies a rebuild that turns stitching on brings together', () => {
  // The copies above, ingested without stitching: two users' partitions until the rebuild offers the link,
  // whose move weighs them. With the exports to read, by text (Zeta); without, by projection (Alpha).
  const cases: [string, boolean, string][] = [
    ['reading the exports', true, 'Zeta'],
    ['without the exports', false, 'Alpha'],
  ];

  it.each(cases)('weighs them %s', async (_, reads, kept) => {
    const store = await freshStore(servers.dynamo.client);
    await recordRules(store);
    for (const copy of copiesLinked) await uploadAndIngest(store, `${copy}\n`);
    const target = rulesOf({ identityStitching: true });

    await runRebuild(rebuildTo(store.transport, target, reads ? { copyTexts: exportTexts } : {}).table, {
      totalSegments: 1,
    });

    expect(await namesOf(store, 'u')).toEqual([kept, null]);
  });
});

describe('copies of a link event in separate objects, stitching on', () => {
  // One identify (messageId m1, one instant) sent as three copies: dev linked to u2 by the texts with plan a
  // and plan c, to u1 by plan b. The link is the copy whose text sorts first (rule 8): plan a, so dev's
  // Browse is u2's, though u1 sorts first. Each object holds one copy, so no file weighs the tie itself: the
  // store reads the texts. Plan c then a, both u2's, must keep a's text, or b (u1's) wins against c.
  const link = (user: string, plan: string) =>
    `{"type":"identify","userId":"${user}","anonymousId":"dev","timestamp":"2024-01-01T09:00:00Z","messageId":"m1","traits":{"plan":"${plan}"}}`;
  const copies = [link('u2', 'a'), link('u1', 'b'), link('u2', 'c')];
  const browse =
    '{"type":"track","event":"Browse","anonymousId":"dev","timestamp":"2024-01-01T09:10:00Z","messageId":"m2"}';

  it.each(permutations([0, 1, 2]).map((order) => [order]))(
    'stitches dev to the user of the copy whose text sorts first, objects in the order %j',
    async (order) => {
      const store = await freshStore(servers.dynamo.client, { identityStitching: true });
      await uploadAndIngest(store, `${browse}\n`);
      for (const at of order) await uploadAndIngest(store, `${copies[at]}\n`);
      expect(await namesOf(store, 'u2')).toEqual([null, 'Browse']);
      expect(await namesOf(store, 'u1')).toEqual([null]);
    },
  );
});

describe('links carried by copies that lose rule 3, ingested without stitching', () => {
  // u's event x: an alias from dev-a (kept, never a link) and the same event as a track a minute later; u's
  // event y from dev-b and, a minute later, from dev-c. Only the losing copies link dev-a and dev-c to u.
  const lines = [
    '{"type":"alias","userId":"u","anonymousId":"dev-a","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
    '{"type":"track","event":"Login","userId":"u","anonymousId":"dev-a","messageId":"x","timestamp":"2024-01-01T09:01:00Z"}',
    '{"type":"track","event":"Tap","userId":"u","anonymousId":"dev-b","messageId":"y","timestamp":"2024-01-01T09:05:00Z"}',
    '{"type":"track","event":"Tap","userId":"u","anonymousId":"dev-c","messageId":"y","timestamp":"2024-01-01T09:06:00Z"}',
    '{"type":"page","anonymousId":"dev-a","messageId":"p1","timestamp":"2024-01-01T08:50:00Z"}',
    '{"type":"page","anonymousId":"dev-b","messageId":"p2","timestamp":"2024-01-01T08:55:00Z"}',
    '{"type":"page","anonymousId":"dev-c","messageId":"p3","timestamp":"2024-01-01T08:58:00Z"}',
  ];
  const files: [string, string[]][] = [
    ['in one file', [lines.join('\n')]],
    ['one line per file, losers first', [...lines].reverse()],
  ];

  it.each(files)('a rebuild that turns stitching on stitches every device, %s', async (_, texts) => {
    const store = await freshStore(servers.dynamo.client);
    await recordRules(store);
    for (const text of texts) await uploadAndIngest(store, `${text}\n`);
    const target = rulesOf({ identityStitching: true });

    await runRebuild(rebuildTo(store.transport, target).table, { totalSegments: 1 });

    const page = await store.reader.listSessions({ userId: 'u', order: 'asc', limit: 50 });
    expect(page.sessions.map((session) => [session.eventCount, session.anonymousIds])).toEqual([
      [5, ['dev-a', 'dev-b', 'dev-c']],
    ]);
    for (const device of ['dev-a', 'dev-b', 'dev-c'])
      expect((await store.reader.listSessions({ userId: device, order: 'asc', limit: 50 })).sessions).toEqual(
        [],
      );
  });
});

describe('a link carried by a copy that lost to a copy of another owner, ingested without stitching', () => {
  // Event x as u's Login from dev, and at 09:00 as Tap without a userId from an anonymousId that is u's id
  // too: without stitching both are u's, and Tap is kept. Only Login links dev to u.
  const lines = [
    '{"type":"track","event":"Login","userId":"u","anonymousId":"dev","messageId":"x","timestamp":"2024-01-01T09:30:00Z"}',
    '{"type":"track","event":"Tap","anonymousId":"u","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
    '{"type":"page","anonymousId":"dev","messageId":"p","timestamp":"2024-01-01T08:50:00Z"}',
  ];
  const files: [string, string[]][] = [
    ['in one file', [lines.join('\n')]],
    ['one line per file', lines],
  ];

  it.each(files)('a rebuild that turns stitching on stitches dev to u, %s', async (_, texts) => {
    const store = await freshStore(servers.dynamo.client);
    await recordRules(store);
    for (const text of texts) await uploadAndIngest(store, `${text}\n`);

    await runRebuild(rebuildTo(store.transport, rulesOf({ identityStitching: true })).table, {
      totalSegments: 1,
    });

    expect(await namesOf(store, 'u')).toEqual([null, 'Tap']);
    expect(await namesOf(store, 'dev')).toEqual([]);
  });
});

describe('copies at one instant ingested with stitching, then a rebuild that turns it off', () => {
  // u's event m9 sent from dev-a and, as an alias, from dev-c, within one millisecond: the track's text sorts
  // first (dev-a), the alias's projection does. The rebuild reads no texts: it must keep the copy chosen.
  const lines = [
    '{"type":"track","event":"E5","userId":"u","anonymousId":"dev-a","timestamp":"2024-01-01T09:00:00.000Z","messageId":"m9"}',
    '{"type":"alias","userId":"u","anonymousId":"dev-c","timestamp":"2024-01-01T09:00:00.0006Z","messageId":"m9"}',
  ];
  const files: [string, string[]][] = [
    ['in one file', [lines.join('\n')]],
    ['one line per file', lines],
    ['one line per file, the alias first', [...lines].reverse()],
  ];

  it.each(files)('keeps the copy whose text sorts first, %s', async (_, texts) => {
    const store = await freshStore(servers.dynamo.client, { identityStitching: true });
    await recordRules(store);
    for (const text of texts) await uploadAndIngest(store, `${text}\n`);
    expect(await namesOf(store, 'u')).toEqual(['E5']);

    await runRebuild(rebuildTo(store.transport, rulesOf({ identityStitching: false })).table, {
      totalSegments: 1,
    });

    expect(await namesOf(store, 'u')).toEqual(['E5']);
  });
});

describe('copies parked beside one a later link moves away, stitching on', () => {
  // dev's copy of x (08:00) is stitched to u and beats u's own two copies at 09:00, which are parked: Alpha
  // (projection first) and Zeta (text first, from dev2). An earlier link then moves dev to v: the parked
  // copies take its place, weighed by text.
  const lines = [
    '{"type":"identify","userId":"u","anonymousId":"dev","messageId":"l1","timestamp":"2024-01-01T10:00:00Z"}',
    '{"type":"track","event":"Anon","anonymousId":"dev","messageId":"x","timestamp":"2024-01-01T08:00:00Z"}',
    '{"type":"track","event":"Alpha","userId":"u","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
    '{"type":"track","event":"Zeta","userId":"u","anonymousId":"dev2","messageId":"x","timestamp":"2024-01-01T09:00:00Z"}',
    '{"type":"identify","userId":"v","anonymousId":"dev","messageId":"l2","timestamp":"2024-01-01T07:00:00Z"}',
  ];

  it('keeps the parked copy whose text sorts first', async () => {
    const store = await freshStore(servers.dynamo.client, { identityStitching: true });
    for (const line of lines) await uploadAndIngest(store, `${line}\n`);
    expect(await namesOf(store, 'v')).toEqual([null, 'Anon']);
    expect(await namesOf(store, 'u')).toEqual(['Zeta', null]);
  });
});

describe('copies a rebuild that turns stitching off weighs again, reading the exports', () => {
  // Copies of m at one instant, in one file, ingested with stitching on. Whatever projection prefers (a page
  // before a track, an identify before a page), the rebuild keeps the copy whose text sorts first.
  const cases: [string, string[], string, [string, string | null][]][] = [
    [
      // a1's X wins while a1 is stitched to u1, and u1's two copies are parked; it leaves, and they tie.
      'the parked copies that take the place of one that left',
      [
        '{"type":"track","anonymousId":"a1","event":"X","timestamp":"2024-06-01T10:00:00Z","messageId":"m"}',
        '{"type":"track","userId":"u1","anonymousId":"a1","event":"Y","timestamp":"2024-06-01T10:00:00Z","messageId":"m"}',
        '{"type":"page","userId":"u1","anonymousId":"a3","timestamp":"2024-06-01T10:00:00Z","messageId":"m"}',
      ],
      'u1',
      [['track', 'a1']],
    ],
    [
      // Anonymous u1 is stitched to u2; given back to its own partition, its copy meets user u1's.
      'a copy given back against the user’s own',
      [
        '{"type":"identify","userId":"u2","anonymousId":"u1","timestamp":"2024-05-01T09:10:00Z","messageId":"L"}',
        '{"type":"identify","anonymousId":"u1","timestamp":"2024-05-01T09:11:00Z","messageId":"m"}',
        '{"type":"page","userId":"u1","anonymousId":"a1","timestamp":"2024-05-01T09:11:00Z","messageId":"m"}',
      ],
      'u1',
      [['page', 'a1']],
    ],
  ];

  it.each(cases)('keeps the copy whose text sorts first among %s', async (_, lines, user, expected) => {
    const store = await freshStore(servers.dynamo.client, { identityStitching: true });
    await recordRules(store);
    await uploadAndIngest(store, `${lines.join('\n')}\n`);

    const target = rulesOf({ identityStitching: false });
    await runRebuild(rebuildTo(store.transport, target, { copyTexts: exportTexts }).table, {
      totalSegments: 1,
    });

    const stored = await storedEventsOf(store, user);
    expect(stored.map((event) => [event.type, event.anonymousId])).toEqual(expected);
  });
});

describe('a user an ingest rebuilds first, during a rebuild to stitching off', () => {
  // The second case above, but the rebuild has only begun: the ingest of a later u1 event under the new rules
  // rebuilds u1 before merging into it, giving anonymous u1's copy back, and weighs the tie by text too.
  const lines = [
    '{"type":"identify","userId":"u2","anonymousId":"u1","timestamp":"2024-05-01T09:10:00Z","messageId":"L"}',
    '{"type":"identify","anonymousId":"u1","timestamp":"2024-05-01T09:11:00Z","messageId":"m"}',
    '{"type":"page","userId":"u1","anonymousId":"a1","timestamp":"2024-05-01T09:11:00Z","messageId":"m"}',
  ];
  const later =
    '{"type":"track","event":"Later","userId":"u1","timestamp":"2024-05-03T09:00:00Z","messageId":"n"}';

  it('keeps the copy whose text sorts first', async () => {
    const store = await freshStore(servers.dynamo.client, { identityStitching: true });
    await recordRules(store);
    await uploadAndIngest(store, `${lines.join('\n')}\n`);
    const target = rulesOf({ identityStitching: false });
    await rebuildTo(store.transport, target).table.begin();
    const writer = rebuildingSessionWriter({
      transport: store.transport,
      rules: target,
      // As the test store's: a merge loads a window, so the later event's does not reach that day.
      wholePartitionEvents: 0,
      copyTexts: exportTexts,
    });

    await uploadAndIngest({ ...store, rules: target, writer }, `${later}\n`);

    const stored = await storedEventsOf(store, 'u1');
    expect(stored.map((event) => [event.type, event.anonymousId])).toEqual([
      ['page', 'a1'],
      ['track', null],
    ]);
  });
});
