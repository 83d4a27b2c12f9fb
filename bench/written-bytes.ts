/**
 * Bytes the store asks DynamoDB to write, sized by DynamoDB's item size rules: the physical floor its write
 * units are compared with. Counted from the requests themselves (a client middleware), so nothing in the
 * store needs to know it is measured.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemSize, valueSize } from '../functions/adapters/dynamodb/item-size.js';

type Item = Record<string, AttributeValue>;

interface UpdateInput {
  Key?: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

/**
 * What an update writes: its key and every `SET path = :value` (the attribute, or map entry, and its value).
 * REMOVE writes nothing new. The store's commits SET every attribute of a head, so this is the head's size.
 */
export function updateSize(input: UpdateInput): number {
  const setClause = /\bSET\b(.*?)(?:\b(?:REMOVE|ADD|DELETE)\b|$)/is.exec(input.UpdateExpression ?? '')?.[1];
  let size = input.Key === undefined ? 0 : itemSize(input.Key);
  for (const [, path, token] of (setClause ?? '').matchAll(/([#\w.]+)\s*=\s*(:\w+)/g)) {
    const last = path?.split('.').pop() ?? '';
    const name = input.ExpressionAttributeNames?.[last] ?? last;
    const value = input.ExpressionAttributeValues?.[token ?? ''];
    if (value !== undefined) size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

interface WriteInputs {
  Item?: Item;
  RequestItems?: Record<string, { PutRequest?: { Item?: Item } }[]>;
  TransactItems?: { Put?: { Item?: Item }; Update?: UpdateInput }[];
}

/** Bytes one request asks to write; reads, deletes and condition checks write none. */
export function requestWriteBytes(commandName: string, input: WriteInputs & UpdateInput): number {
  switch (commandName) {
    case 'PutItemCommand':
      return input.Item === undefined ? 0 : itemSize(input.Item);
    case 'UpdateItemCommand':
      return updateSize(input);
    case 'BatchWriteItemCommand':
      return Object.values(input.RequestItems ?? {})
        .flat()
        .reduce(
          (sum, request) => sum + (request.PutRequest?.Item ? itemSize(request.PutRequest.Item) : 0),
          0,
        );
    case 'TransactWriteItemsCommand':
      return (input.TransactItems ?? []).reduce(
        (sum, item) =>
          sum + (item.Put?.Item ? itemSize(item.Put.Item) : 0) + (item.Update ? updateSize(item.Update) : 0),
        0,
      );
    default:
      return 0;
  }
}

/** Counts, from now on, the bytes every write request sent through the client asks to write. */
export function meterWrittenBytes(client: DynamoDBClient): { readonly bytes: number } {
  const meter = { bytes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      meter.bytes += requestWriteBytes(context.commandName ?? '', args.input as WriteInputs & UpdateInput);
      return next(args);
    },
    { step: 'initialize', name: 'benchWrittenBytes' },
  );
  return meter;
}
