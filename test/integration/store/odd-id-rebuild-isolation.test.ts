// Ids that could meet in an encoding (key separators and prefixes, the table's own key names, a lone
// surrogate beside the U+FFFD UTF-8 would make of it, zero-width and inner spaces, case, prefixes) keep
// their own events while rebuilds turn stitching on and off again: the rebuild reads users back from
// their partition keys and moves anonymous events between partitions, each id's to its own. The ids are
// also sent as an export spells them: with white space rule 1 trims (spaces, NBSP, BOM, U+2028), and as
// JSON numbers (`42.0`, `1e21`) that are the same users as their texts. Erasing the lone surrogate between
// rebuilds takes nothing of the id UTF-8 would make of it. And every spelling of such an id in a path (case,
// NFD, a zero-width or blank added, encoded twice, a padded or percent-encoded `~b64.` form), with paths
// arriving encoded or decoded, answers the one id that path names by the documented decoding, or no user.
import { describe, expect, it } from 'vitest';
import { BASE64_ID_PREFIX, base64Id, idOfBase64Id } from '../../../contract/index.js';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import type { ApiHandler } from '../../../functions/api/app.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { b64UserPath, getPath, messageIdsOf } from './api-pages.js';
import { ingestFile, segmentLine, T0 } from './erasure-harness.js';
import { rebuildStore, recordRules, rulesOf } from './rebuild-harness.js';
import { freshStore, lookupApiOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const IDS = [
  'a',
  'ab',
  'A',
  'a\u200b',
  'a b',
  'a#',
  'META',
  'H',
  'D#2024-05-06',
  'A#a',
  'U#a',
  'U~YQ',
  'I#b/k',
  '%61',
  'x\ud800',
  'x\ufffd',
  '\u00df',
  'SS',
  '42',
  '1e+21',
];

/** How a line spells a user id: as the id, or as rule 1 reads back to it (trimmed, or a JSON number). */
const SPELLINGS: Readonly<Record<string, string>> = {
  a: '" a\\u00a0"',
  ab: '"\\ufeffab\\u2028"',
  '42': '42.0',
  '1e+21': '1e21',
};

interface Line {
  readonly userId?: string;
  readonly anonymousId?: string;
  readonly at: number;
  readonly id: string;
}

/**
 * Three sessions a user, at the same times for every user (so the same session ids), and a device named
 * after the next user's id: its browsing before the login is that next user's events without stitching
 * (rule 2) and this user's with it (rule 8).
 */
function export_(): { text: string; off: Map<string, string[]>; on: Map<string, string[]> } {
  const lines: string[] = [];
  const off = new Map<string, string[]>(IDS.map((id) => [id, []]));
  const on = new Map<string, string[]>(IDS.map((id) => [id, []]));
  const line = ({ userId, anonymousId, at, id }: Line, spelt: boolean) => {
    let text = segmentLine({ userId, anonymousId, at, id });
    const spelling = userId === undefined ? undefined : SPELLINGS[userId];
    if (spelt && spelling !== undefined) text = text.replace(JSON.stringify(userId), spelling);
    lines.push(text);
  };
  IDS.forEach((user, index) => {
    const device = IDS[(index + 1) % IDS.length] as string;
    line({ anonymousId: device, at: T0 - 5 * MINUTE, id: `m-${index}-browse` }, false);
    off.get(device)?.push(`m-${index}-browse`);
    on.get(user)?.push(`m-${index}-browse`);
    line({ userId: user, anonymousId: device, at: T0, id: `m-${index}-login` }, true);
    for (let session = 1; session < 3; session++) {
      for (let event = 0; event < 3; event++) {
        const id = `m-${index}-${session}-${event}`;
        line({ userId: user, at: T0 + session * 120 * MINUTE + event * MINUTE, id }, event === 1);
      }
    }
    for (const owners of [off, on]) owners.get(user)?.push(`m-${index}-login`);
    for (let session = 1; session < 3; session++)
      for (let event = 0; event < 3; event++)
        for (const owners of [off, on]) owners.get(user)?.push(`m-${index}-${session}-${event}`);
  });
  for (const owners of [off, on]) for (const ids of owners.values()) ids.sort();
  return { text: lines.join('\n'), off, on };
}

/**
 * Each user's events, and its summary: with stitching, the one device stitched to it (the next id) and the
 * user its own id is stitched to as a device (the one before).
 */
async function expectOwners(
  api: ApiHandler,
  owners: ReadonlyMap<string, string[]>,
  stitching: boolean,
  when: string,
) {
  for (const [index, user] of IDS.entries()) {
    if (!owners.has(user)) {
      expect((await getPath(api, b64UserPath(user))).status, `${JSON.stringify(user)} ${when}`).toBe(404);
      continue;
    }
    const name = `${JSON.stringify(user)} ${when}`;
    expect(await messageIdsOf(api, user, { sessionLimit: 2 }), name).toEqual(owners.get(user));
    const summary = await getPath(api, b64UserPath(user));
    expect(summary.status, name).toBe(200);
    expect(summary.body, name).toMatchObject({ userId: user, eventCount: owners.get(user)?.length });
    const device = IDS[(index + 1) % IDS.length] as string;
    const owner = IDS[(index + IDS.length - 1) % IDS.length] as string;
    // The erased id's neighbours: what their summaries say of it is erasure.test.ts's to hold.
    if (!owners.has(device) || !owners.has(owner)) continue;
    expect(summary.body, name).toMatchObject({
      anonymousIds: stitching ? { count: 1, items: [device] } : { count: 0, items: [] },
      stitchedTo: stitching ? owner : null,
    });
  }
}

describe('ids that could meet in an encoding, across rebuilds', () => {
  it('keep their own events as stitching is turned on and off again', async () => {
    const { text, off, on } = export_();
    let store = await freshStore(dynamo.client, { identityStitching: false });
    await recordRules(store);
    const { stats } = await ingestFile(store, text);
    expect(stats.rejected).toBe(0);
    await expectOwners(lookupApiOn(store), off, false, 'as ingested without stitching');

    store = (await rebuildStore(store, rulesOf({ identityStitching: true }))).store;
    await expectOwners(lookupApiOn(store), on, true, 'after a rebuild turned stitching on');

    // Erasing `x\ud800` erases the device stitched to it, `x\ufffd` (whose own events stay that user's), with
    // its browsing; `x\ud800`'s own browsing, as the device of `%61`, stays in that user's sessions.
    const erased = 'x\ud800';
    const device = 'x\ufffd';
    const browse = `m-${IDS.indexOf(erased)}-browse`;
    await new DynamoDbEraser({ transport: store.transport }).eraseUser(erased);
    const onAfter = new Map(on);
    onAfter.delete(erased);
    await expectOwners(lookupApiOn(store), onAfter, true, `after erasing ${JSON.stringify(erased)}`);

    // Without stitching the two devices' browsing is the erased id's and the erased device's: gone.
    store = (await rebuildStore(store, rulesOf({ identityStitching: false }))).store;
    const offAfter = new Map(off);
    offAfter.delete(erased);
    offAfter.set(
      device,
      (off.get(device) ?? []).filter((id) => id !== browse),
    );
    await expectOwners(lookupApiOn(store), offAfter, false, 'after a rebuild turned it off again');

    // The same export again stores nothing new for anyone, and refuses the erased ids' events.
    const again = await ingestFile(store, text);
    await expectOwners(lookupApiOn(store), offAfter, false, 'after the export came again');
    // Its report names those 9 events, by position only: the erased id's 7 and the two devices' browsing.
    expect(again.stats).toMatchObject({ newEvents: 0, rejected: 0, erased: 9 });
    const lines = text.split('\n');
    const refused = again.report.written.map((line) => {
      expect(line).toMatchObject({ reason: 'erased', raw: '' });
      return JSON.parse(lines[(line as { position: number }).position - 1] as string).messageId as string;
    });
    const index = IDS.indexOf(erased);
    const own = (off.get(erased) ?? []).filter((id) => id.startsWith(`m-${index}-`));
    expect(refused.sort()).toEqual([...own, browse, `m-${index - 1}-browse`].sort());
  }, 300_000);

  it('answer any spelling of a path with the one id it names, or with no user', async () => {
    const { text, off } = export_();
    const store = await freshStore(dynamo.client, { identityStitching: false });
    await ingestFile(store, text);
    const encode = (id: string) => {
      try {
        return encodeURIComponent(id);
      } catch {
        return undefined; // a lone surrogate has no percent-encoding
      }
    };
    const spellings = new Set<string>();
    for (const id of IDS) {
      for (const variant of [id, id.toLowerCase(), id.toUpperCase(), id.normalize('NFD'), `${id}\u200b`]) {
        const encoded = encode(variant);
        if (encoded === undefined) continue;
        for (const raw of [encoded, encode(encoded), `%20${encoded}`, `${encoded}%20`, `${encoded}%00`])
          if (raw !== undefined) spellings.add(raw);
      }
      const form = base64Id(id);
      for (const raw of [
        form,
        `${form}=`,
        `%7E${form.slice(1)}`,
        base64Id(` ${id}`),
        base64Id(id.normalize('NFD')),
      ])
        spellings.add(raw);
    }
    let found = 0;
    for (const pathsDecoded of [false, true]) {
      const api = lookupApiOn(store, { pathsDecoded });
      for (const raw of spellings) {
        // Behind API Gateway the function is handed the path decoded once.
        const sent = pathsDecoded ? decodeURIComponent(raw) : raw;
        const given = decodeURIComponent(raw);
        const named = given.startsWith(BASE64_ID_PREFIX) ? idOfBase64Id(given) : given;
        const answer = await getPath(api, `/users/${sent}/sessions`);
        const name = `${JSON.stringify(raw)}, paths decoded: ${pathsDecoded}`;
        const owned = named === undefined ? undefined : off.get(named);
        if (owned === undefined) {
          expect([400, 404], `${name}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
          continue;
        }
        expect(answer.status, name).toBe(200);
        expect((answer.body as { userId: string }).userId, name).toBe(named);
        expect(await messageIdsOf(api, named as string, { sessionLimit: 2 }), name).toEqual(owned);
        found++;
      }
    }
    // Each id at least by its `~b64.` form, as sent and with its `~` percent-encoded, in both modes.
    expect(found).toBeGreaterThanOrEqual(4 * IDS.length);
  }, 300_000);
});
