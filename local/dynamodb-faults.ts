// Fault injection for the local stack's DynamoDB client (`SESSIONIZER_LOCAL_FAULTS=throttle:0.05`): a
// fraction of data-plane calls is answered as DynamoDB answers an overloaded partition, after the SDK's own
// retries gave up, so the store's retries, the queue's redelivery and the crash-safety of a merge cut short
// are exercised against a real database. Added to the stack's client only; nothing here reaches Lambda.
import {
  type AttributeValue,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';

export interface DynamoDbFaults {
  /** Share of data-plane calls throttled, from 0 to below 1. */
  throttle: number;
}

/** How a call was throttled: the error DynamoDB sends, or a batch answered only in part. */
export type ThrottleForm =
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'TransactionCanceledException'
  | 'UnprocessedItems'
  | 'UnprocessedKeys';

export interface FaultInjectionOptions {
  /** A float in [0, 1); Math.random unless a test wants to choose. */
  random?: () => number;
  /** Told of every throttled call, e.g. `('BatchWriteItem', 'UnprocessedItems')`. */
  onThrottle?: (operation: string, form: ThrottleForm) => void;
}

/** The calls DynamoDB throttles by capacity; table management (CreateTable at start) is never touched. */
const DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

const MIDDLEWARE_NAME = 'sessionizerLocalFaults';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

function throttlingError(form: ThrottleForm, operation: string, itemCount: number): Error {
  const $metadata = { httpStatusCode: 400, attempts: 1 };
  const note = `(injected by SESSIONIZER_LOCAL_FAULTS into ${operation})`;
  if (form === 'ThrottlingException') {
    return new ThrottlingException({ message: `Throughput exceeds the table's maximum ${note}`, $metadata });
  }
  if (form === 'TransactionCanceledException') {
    // As DynamoDB reports a throttled transaction: one reason per item, the throttled one named.
    const throttled = Math.floor(itemCount / 2);
    const CancellationReasons = Array.from({ length: itemCount }, (_, index) =>
      index === throttled
        ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table' }
        : { Code: 'None' },
    );
    return new TransactionCanceledException({
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons ${note}`,
      $metadata,
      CancellationReasons,
    });
  }
  return new ProvisionedThroughputExceededException({
    message: `The level of configured provisioned throughput for the table was exceeded ${note}`,
    $metadata,
  });
}

/** Splits each table's list in two: `kept` is sent, `withheld` comes back unprocessed. At least one of each. */
function splitRequests<T>(
  lists: Record<string, T[]>,
  random: () => number,
): { kept: Record<string, T[]>; withheld: Record<string, T[]> } {
  const kept: Record<string, T[]> = {};
  const withheld: Record<string, T[]> = {};
  for (const [table, list] of Object.entries(lists)) {
    const cut = 1 + Math.floor(random() * (list.length - 1));
    kept[table] = list.slice(0, cut);
    withheld[table] = list.slice(cut);
  }
  return { kept, withheld };
}

const requestCount = (lists: Record<string, unknown[]>) =>
  Object.values(lists).reduce((sum, list) => sum + list.length, 0);

/**
 * Sends `input` with part of its batch held back and returns those as unprocessed, as DynamoDB does when
 * some of a batch's partitions are over capacity. Undefined when the batch is too small to split.
 */
async function sendPartialBatch(
  operation: 'BatchWriteItem' | 'BatchGetItem',
  input: Input,
  random: () => number,
  send: (input: Input) => Promise<Output>,
): Promise<Output | undefined> {
  if (operation === 'BatchWriteItem') {
    const lists = (input.RequestItems ?? {}) as Record<string, unknown[]>;
    if (Object.values(lists).some((list) => list.length < 2)) return undefined;
    const { kept, withheld } = splitRequests(lists, random);
    const output = await send({ ...input, RequestItems: kept });
    const unprocessed = (output.UnprocessedItems ?? {}) as Record<string, unknown[]>;
    for (const [table, list] of Object.entries(withheld))
      unprocessed[table] = [...(unprocessed[table] ?? []), ...list];
    return { ...output, UnprocessedItems: unprocessed };
  }
  type KeysAndAttributes = { Keys: Record<string, AttributeValue>[] } & Record<string, unknown>;
  const requests = (input.RequestItems ?? {}) as Record<string, KeysAndAttributes>;
  const lists = Object.fromEntries(Object.entries(requests).map(([table, entry]) => [table, entry.Keys]));
  if (requestCount(lists) === 0 || Object.values(lists).some((list) => list.length < 2)) return undefined;
  const { kept, withheld } = splitRequests(lists, random);
  const rebuild = (keys: Record<string, Record<string, AttributeValue>[]>) =>
    Object.fromEntries(
      Object.entries(keys).map(([table, list]) => [table, { ...requests[table], Keys: list }]),
    );
  const output = await send({ ...input, RequestItems: rebuild(kept) });
  const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, KeysAndAttributes>;
  for (const [table, list] of Object.entries(withheld)) {
    unprocessed[table] = { ...requests[table], Keys: [...(unprocessed[table]?.Keys ?? []), ...list] };
  }
  return { ...output, UnprocessedKeys: unprocessed };
}

/** Picks how to throttle one call of `operation`, the way DynamoDB would answer it. */
function chooseForm(operation: string, random: () => number): ThrottleForm {
  const roll = random();
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return roll < 1 / 3
      ? 'TransactionCanceledException'
      : roll < 2 / 3
        ? 'ThrottlingException'
        : 'ProvisionedThroughputExceededException';
  }
  if (operation === 'BatchWriteItem' && roll < 0.5) return 'UnprocessedItems';
  if (operation === 'BatchGetItem' && roll < 0.5) return 'UnprocessedKeys';
  return roll < 0.75 ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
}

/**
 * Makes `client` throttle `faults.throttle` of its data-plane calls. Injected ahead of the SDK's retries: a
 * throttled call fails as if every attempt of the SDK had been throttled, and the caller sees it.
 */
export function injectDynamoDbFaults(
  client: DynamoDBClient,
  faults: DynamoDbFaults,
  options: FaultInjectionOptions = {},
): void {
  if (faults.throttle <= 0) return;
  const random = options.random ?? Math.random;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!DATA_PLANE.has(operation) || random() >= faults.throttle) return next(args);
      const form = chooseForm(operation, random);
      if (form === 'UnprocessedItems' || form === 'UnprocessedKeys') {
        let response: unknown;
        const output = await sendPartialBatch(
          operation as 'BatchWriteItem' | 'BatchGetItem',
          args.input as Input,
          random,
          async (input) => {
            const result = await next({ ...args, input: input as typeof args.input });
            response = result.response;
            return result.output as unknown as Output;
          },
        );
        if (output !== undefined) {
          options.onThrottle?.(operation, form);
          return { output: output as never, response };
        }
      }
      const itemCount = Array.isArray((args.input as Input).TransactItems)
        ? ((args.input as Input).TransactItems as unknown[]).length
        : 1;
      const thrown: ThrottleForm =
        form === 'UnprocessedItems' || form === 'UnprocessedKeys'
          ? 'ProvisionedThroughputExceededException'
          : form;
      options.onThrottle?.(operation, thrown);
      throw throttlingError(thrown, operation, itemCount);
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
}
