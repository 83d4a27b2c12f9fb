import { describe, expect, it } from 'vitest';
import { BATCH_PUT_BYTES, PutCombiner } from '../../../functions/adapters/dynamodb/put-combiner.js';
import { DeadlinePassed } from '../../../functions/adapters/dynamodb/request-errors.js';
import type { Item, Transport } from '../../../functions/adapters/dynamodb/transport.js';

type Request = string[];

/** A transport that records each BatchWriteItem's keys and answers when told to. */
function fakeTransport(options: { fail?: (keys: Request) => Error | undefined } = {}) {
  const requests: Request[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const deadlines: (number | undefined)[] = [];
  const transport = {
    async batchWrite(writes: { PutRequest?: { Item: Item } }[], notAfter?: number) {
      const keys = writes.map((write) => write.PutRequest?.Item.sk?.S ?? '');
      requests.push(keys);
      deadlines.push(notAfter);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      const error = options.fail?.(keys);
      if (error !== undefined) throw error;
    },
  } as unknown as Transport;
  return { transport, requests, deadlines, mostInFlight: () => mostInFlight };
}

const item = (sk: string, bytes = 100): Item => ({
  pk: { S: 'U#u' },
  sk: { S: sk },
  d: { B: new Uint8Array(bytes) },
});
const FAR = Date.now() + 60_000;

describe('PutCombiner', () => {
  it('sends the puts of merges made in the same turn in shared requests', async () => {
    const { transport, requests } = fakeTransport();
    const combiner = new PutCombiner(transport);
    await Promise.all([
      combiner.put([item('a1'), item('a2')], FAR),
      combiner.put([item('b1'), item('b2')], FAR),
      combiner.put([item('c1')], FAR),
    ]);
    expect(requests).toEqual([['a1', 'a2', 'b1', 'b2', 'c1']]);
  });

  it("gives each request the earliest deadline of its items, so that no resend passes any merge's", async () => {
    const { transport, deadlines } = fakeTransport();
    const combiner = new PutCombiner(transport);
    await Promise.all([combiner.put([item('a1')], FAR), combiner.put([item('b1')], FAR - 5_000)]);
    expect(deadlines).toEqual([FAR - 5_000]);
  });

  it('cuts requests at 25 items and at about BATCH_PUT_BYTES, an item over the bound alone, in order', async () => {
    const { transport, requests } = fakeTransport();
    const combiner = new PutCombiner(transport);
    await combiner.put(
      Array.from({ length: 60 }, (_, i) => item(`s${i}`)),
      FAR,
    );
    expect(requests.map((request) => request.length)).toEqual([25, 25, 10]);
    requests.length = 0;
    const third = Math.floor(BATCH_PUT_BYTES / 2.4);
    await combiner.put(
      [item('a', third), item('b', third), item('c', third), item('d', BATCH_PUT_BYTES + 1), item('e')],
      FAR,
    );
    expect(requests).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('keeps at most its bound of requests in flight', async () => {
    const { transport, requests, mostInFlight } = fakeTransport();
    const combiner = new PutCombiner(transport, 3);
    await combiner.put(
      Array.from({ length: 500 }, (_, i) => item(`s${i}`)),
      FAR,
    );
    expect(requests.flat()).toHaveLength(500);
    expect(mostInFlight()).toBe(3);
  });

  it('sends nothing of a merge past its deadline, and says so', async () => {
    const { transport, requests } = fakeTransport();
    const combiner = new PutCombiner(transport);
    const late = combiner.put([item('late')], Date.now() - 1);
    const onTime = combiner.put([item('on-time')], FAR);
    await expect(late).rejects.toBeInstanceOf(DeadlinePassed);
    await onTime;
    expect(requests).toEqual([['on-time']]);
  });

  it('fails only the merges whose items a failed request carried, once all their items settled', async () => {
    const { transport, requests } = fakeTransport({
      fail: (keys) => (keys.includes('b30') ? new Error('throttled') : undefined),
    });
    const combiner = new PutCombiner(transport, 1);
    const a = combiner.put([item('a1')], FAR);
    const b = combiner.put(
      Array.from({ length: 40 }, (_, i) => item(`b${i}`)),
      FAR,
    );
    await expect(b).rejects.toThrow('throttled');
    await a;
    // The merge learns of the failure only after its last item was answered: nothing of it is still in flight.
    expect(requests.flat()).toContain('b39');
  });
});
