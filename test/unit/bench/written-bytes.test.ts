import { describe, expect, it } from 'vitest';
import { requestWriteBytes, updateSize } from '../../../bench/written-bytes.js';
import { itemSize, valueSize } from '../../../functions/adapters/dynamodb/item-size.js';

describe('written bytes', () => {
  it("sizes values by DynamoDB's rules", () => {
    expect(valueSize({ S: 'héllo' })).toBe(6);
    expect(valueSize({ B: new Uint8Array(10) })).toBe(10);
    expect(valueSize({ N: '123456' })).toBe(4);
    expect(valueSize({ N: '-0.00120' })).toBe(2);
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + 3 + 2);
    expect(valueSize({ M: { k: { S: 'ab' } } })).toBe(3 + 1 + 1 + 2);
    expect(itemSize({ pk: { S: 'U#1' }, sk: { S: 'H' } })).toBe(2 + 3 + 2 + 1);
  });

  it('counts an update as its key and what it SETs, never what it REMOVEs or compares', () => {
    const update = {
      Key: { pk: { S: 'U#1' }, sk: { S: 'H' } },
      UpdateExpression: 'SET #v = :v, #in.#txn = :intent REMOVE #old',
      ConditionExpression: '#v = :read',
      ExpressionAttributeNames: { '#v': 'v', '#in': 'in', '#txn': 'abc', '#old': 'old' },
      ExpressionAttributeValues: { ':v': { N: '12' }, ':intent': { S: 'xyz' }, ':read': { N: '11' } },
    };
    expect(updateSize(update)).toBe(8 + (1 + 2) + (3 + 3));
    expect(requestWriteBytes('UpdateItemCommand', update)).toBe(updateSize(update));
  });

  it('counts puts whether single, batched or transactional, and nothing for deletes and reads', () => {
    const item = { pk: { S: 'U#1' }, sk: { S: 'D#2024' }, b: { B: new Uint8Array(100) } };
    expect(requestWriteBytes('PutItemCommand', { Item: item })).toBe(itemSize(item));
    expect(
      requestWriteBytes('BatchWriteItemCommand', {
        RequestItems: { table: [{ PutRequest: { Item: item } }, {}] },
      }),
    ).toBe(itemSize(item));
    expect(
      requestWriteBytes('TransactWriteItemsCommand', { TransactItems: [{ Put: { Item: item } }, {}] }),
    ).toBe(itemSize(item));
    expect(requestWriteBytes('DeleteItemCommand', {})).toBe(0);
    expect(requestWriteBytes('QueryCommand', { Item: item })).toBe(0);
  });
});
