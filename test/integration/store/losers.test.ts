// What a commit leaving the head's history clears: the items losing attempts wrote under its version, and
// nothing else (functions/adapters/dynamodb/commit-history.ts, clearLosers), against DynamoDB Local.
import { describe, expect, it } from 'vitest';
import { clearLosers } from '../../../functions/adapters/dynamodb/commit-history.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { scanTable } from './erasure-harness.js';
import { freshStore } from './store-harness.js';

const dynamo = useLocalDynamoDb();

/** Items by `pk sk`, each written under version `v` by transaction `t`. */
const ITEMS: readonly [string, string, number, string][] = [
  ['U#u', 'D#2024-04-02#0000000002lose#0000', 2, 'lose'],
  ['U#u', 'D#2024-04-03#0000000002lose#0000', 2, 'lose'],
  ['U#u', 'E#2024-04-03#0000000002lose#0000', 2, 'lose'],
  ['U#u', 'D#2024-04-03#0000000002win#0000', 2, 'win'],
  ['U#u', 'D#2024-04-04#0000000003lose#0000', 3, 'lose'],
  ['U#u', 'E#2024-04-01#0000000003lose#0000', 3, 'lose'],
  ['U#w', 'D#2024-04-03#0000000002lose#0000', 2, 'lose'],
];

async function storeWithItems() {
  const store = await freshStore(dynamo.client);
  for (const [pk, sk, v, t] of ITEMS) {
    await store.transport.put({ pk: { S: pk }, sk: { S: sk }, v: { N: String(v) }, t: { S: t } });
  }
  return store;
}

/** The keys of ITEMS but `deleted`, as the table holds them after a clear. */
async function expectLeft(store: Awaited<ReturnType<typeof storeWithItems>>, deleted: readonly string[]) {
  const left = (await scanTable(dynamo.client, store)).map((item) => `${item.pk?.S} ${item.sk?.S}`).sort();
  expect(left).toEqual(
    ITEMS.map(([pk, sk]) => `${pk} ${sk}`)
      .filter((key) => !deleted.includes(key))
      .sort(),
  );
}

describe('clearLosers', () => {
  it('deletes the user’s pages and chunks of an expired version after its newest day, but the committed transaction’s', async () => {
    const store = await storeWithItems();
    await clearLosers(store.transport, 'u', [{ version: 2, txn: 'win', at: 0, afterDay: '2024-04-02' }]);
    await expectLeft(store, ['U#u D#2024-04-03#0000000002lose#0000', 'U#u E#2024-04-03#0000000002lose#0000']);
  });

  it('looks from the first day when the version had no stored day before it', async () => {
    const store = await storeWithItems();
    await clearLosers(store.transport, 'u', [{ version: 3, txn: 'win', at: 0, afterDay: undefined }]);
    await expectLeft(store, ['U#u D#2024-04-04#0000000003lose#0000', 'U#u E#2024-04-01#0000000003lose#0000']);
  });
});
