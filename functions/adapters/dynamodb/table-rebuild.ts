import { type CompiledRules, sameRules } from '../../domain/rules/session-rules.js';
import type {
  CountSegment,
  RebuildScope,
  RebuildStore,
  UserPage,
  UserRebuild,
  UsersLeft,
} from '../../domain/store/ports.js';
import * as z from '../../shared/zod.js';
import { HEAD_SCAN_NAMES as HEAD } from './head-codec.js';
import { HEAD_SK, userOfPk } from './keys.js';
import { beginRebuild, finishRebuild, rebuildState, recordBegun } from './rebuild-record.js';
import type { DynamoDbRebuilder } from './rebuilder.js';
import type { Item, Transport } from './transport.js';

/** A scan position: the key of the last item evaluated, as DynamoDB's ExclusiveStartKey takes it back. */
const cursorSchema = z.strictObject({
  pk: z.string().check(z.minLength(1)),
  sk: z.string().check(z.minLength(1)),
});

function encodeCursor(key: Item | undefined): string | null {
  if (key?.pk?.S === undefined || key.sk?.S === undefined) return null;
  return JSON.stringify({ pk: key.pk.S, sk: key.sk.S });
}

/**
 * The key a cursor names, or an error saying what is wrong with it but not what it holds: a cursor is a user's
 * key (`U#<id>`), and the error reaches the logs and the state machine's history.
 */
function decodeCursor(cursor: string): Item {
  let json: unknown;
  try {
    json = JSON.parse(cursor);
  } catch {
    throw cursorRefused('is no JSON');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw cursorRefused('is not a key of exactly pk and sk, both non-empty strings');
  return { pk: { S: parsed.data.pk }, sk: { S: parsed.data.sk } };
}

function cursorRefused(problem: string): Error {
  return new Error(
    `the cursor ${problem}, so it is not one a rebuild segment answered: pass back the cursor of the previous answer, or null to start the segment over`,
  );
}

/** Segments of the scan that finds the users left before a rebuild finishes. */
const COUNT_SEGMENTS = 8;

export interface DynamoDbTableRebuildOptions {
  readonly transport: Transport;
  readonly rebuilder: DynamoDbRebuilder;
  /** Items a scan page evaluates at most (tests lower it); DynamoDB's 1 MB page otherwise. */
  readonly scanPageItems?: number;
}

/**
 * The DynamoDB side of a rebuild: the rules record (META), a parallel Scan over the heads (`sk = 'H'`), and
 * the rebuilder of one user. The Scan reads every item of its segment (a filter does not lower the cost):
 * only the heads' keys come back.
 */
export class DynamoDbTableRebuild implements RebuildStore {
  private readonly transport: Transport;
  private readonly rebuilder: DynamoDbRebuilder;
  private readonly scanPageItems: number | undefined;

  constructor(options: DynamoDbTableRebuildOptions) {
    this.transport = options.transport;
    this.rebuilder = options.rebuilder;
    this.scanPageItems = options.scanPageItems;
  }

  private get target(): CompiledRules {
    return this.rebuilder.writer.rules;
  }

  async begin(): Promise<void> {
    await beginRebuild(this.transport, this.target);
  }

  async inProgress(): Promise<RebuildScope | 'finished'> {
    const table = await rebuildState(this.transport, this.target);
    if (table === 'finished') return table;
    const { begunAt, sealKey } = await recordBegun(this.transport, table.target);
    return { sourceStitches: table.rules.identityStitching, begunAt, sealKey };
  }

  async scanUsers(segment: number, totalSegments: number, cursor: string | null): Promise<UserPage> {
    const page = await this.transport.scanPage({
      Segment: segment,
      TotalSegments: totalSegments,
      FilterExpression: '#sk = :head',
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':head': { S: HEAD_SK } },
      ...(this.scanPageItems !== undefined && { Limit: this.scanPageItems }),
      ...(cursor !== null && { ExclusiveStartKey: decodeCursor(cursor) }),
    });
    return {
      users: page.items.flatMap((item) => {
        // Only users' partitions hold an `H` item.
        const user = userOfPk(item.pk?.S ?? '');
        return user === undefined ? [] : [{ user, cursor: encodeCursor(item) as string }];
      }),
      next: encodeCursor(page.lastKey),
    };
  }

  rebuildUser(user: string, scope: RebuildScope): Promise<UserRebuild> {
    return this.rebuilder.rebuildUser(user, scope);
  }

  async findUsersLeft(
    deadline: number,
    limit: number,
    from: readonly CountSegment[] | null,
  ): Promise<UsersLeft> {
    if (from !== null && from.length !== COUNT_SEGMENTS) {
      throw new Error(
        `a count position of ${from.length} segments is not one this count answered (${COUNT_SEGMENTS}): pass back the previous answer's, or none to count from the start`,
      );
    }
    const found = await Promise.all(
      Array.from({ length: COUNT_SEGMENTS }, (_, segment) =>
        this.usersLeftIn(segment, from?.[segment] ?? { cursor: null, done: false }, deadline, limit),
      ),
    );
    return {
      count: found.reduce((sum, { count }) => sum + count, 0),
      users: found.flatMap(({ users }) => users).slice(0, limit),
      segments: found.map(({ position }) => position),
    };
  }

  /**
   * Heads committed under other rules than the target, or still holding a link the target does not keep, or
   * marked with links not all offered yet (`Head.offersPending`): how many, and the first `limit` of them.
   * The Scan reads every item however many come back, so naming them costs no more than counting them.
   * At least one page a call, so that a count resumed again and again reaches the end however little time
   * each call has.
   */
  private async usersLeftIn(
    segment: number,
    from: CountSegment,
    deadline: number,
    limit: number,
  ): Promise<{ count: number; users: string[]; position: CountSegment }> {
    let count = 0;
    const users: string[] = [];
    if (from.done) return { count, users, position: from };
    // An anonymousId erased with its user keeps its link (its events are refused): no rebuild moves it. A head
    // recut to the target whose links a crash left unoffered is at the target rules, but still marked.
    const marked = this.target.stitching
      ? 'attribute_exists(#lo)'
      : '(attribute_exists(#li) AND attribute_not_exists(#ea))';
    const isMarked = this.target.stitching
      ? (item: Item) => item[HEAD.offersPending] !== undefined
      : (item: Item) => item[HEAD.link] !== undefined && item[HEAD.anonymousErased] === undefined;
    let startKey = from.cursor === null ? undefined : decodeCursor(from.cursor);
    for (;;) {
      // Heads in the target's own form come back only when marked; one in another form of the same rules is
      // at the target too, which only sameRules tells.
      const page = await this.transport.scanPage({
        Segment: segment,
        TotalSegments: COUNT_SEGMENTS,
        FilterExpression: `#sk = :head AND attribute_exists(#rf) AND attribute_not_exists(#er) AND (#rf <> :target OR ${marked})`,
        ProjectionExpression: `#pk, #rf, ${this.target.stitching ? '#lo' : '#li, #ea'}`,
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          '#rf': HEAD.rules,
          '#er': HEAD.erased,
          ...(this.target.stitching
            ? { '#lo': HEAD.offersPending }
            : { '#li': HEAD.link, '#ea': HEAD.anonymousErased }),
        },
        ExpressionAttributeValues: { ':head': { S: HEAD_SK }, ':target': { S: this.target.fingerprint } },
        ...(this.scanPageItems !== undefined && { Limit: this.scanPageItems }),
        ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
      });
      for (const item of page.items) {
        if (sameRules(item[HEAD.rules]?.S ?? '', this.target.fingerprint) && !isMarked(item)) continue;
        count++;
        const user = userOfPk(item.pk?.S ?? '');
        if (user !== undefined && users.length < limit) users.push(user);
      }
      startKey = page.lastKey;
      if (startKey === undefined) return { count, users, position: { cursor: null, done: true } };
      if (Date.now() > deadline) {
        const cursor = encodeCursor(startKey);
        // A segment answered from its start again would never end.
        if (cursor === null) throw new Error(`scan segment ${segment} stopped at a key without pk and sk`);
        return { count, users, position: { cursor, done: false } };
      }
    }
  }

  async finish(): Promise<void> {
    await finishRebuild(this.transport, this.target);
  }
}
