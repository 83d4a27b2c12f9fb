/**
 * Bytes the store asks DynamoDB to write, sized by DynamoDB's item size rules: the physical floor its write
 * units are compared with. Counted from the requests themselves (a client middleware), so nothing in the
 * store needs to know it is measured.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: 1 byte per two significant digits, plus 1. */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/**
 * DynamoDB's size of one attribute value: strings in UTF-8 bytes, binaries in bytes, numbers by their
 * significant digits, booleans and nulls 1 byte, lists and maps 3 bytes plus 1 per element (and their keys).
 */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + 1 + valueSize(element), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element),
      3,
    );
  }
  return 0;
}

/** An item's size: every attribute's name and value, keys included. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

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
    if (value !== undefined) size += utf8(name) + valueSize(value);
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
