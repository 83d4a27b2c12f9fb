import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { encodeDay } from '../../functions/adapters/dynamodb/day-codec.js';
import { EMPTY_HEAD, type StoredLink } from '../../functions/adapters/dynamodb/head.js';
import { commitUpdate, type HeadCommit, headKey } from '../../functions/adapters/dynamodb/head-codec.js';
import { tokenOf } from '../../functions/adapters/dynamodb/keys.js';
import type { Item } from '../../functions/adapters/dynamodb/transport.js';
import type { EventRecord } from '../../functions/domain/events/event.js';
import {
  type CompiledRules,
  compileRules,
  DEFAULT_SESSION_RULES,
} from '../../functions/domain/rules/session-rules.js';
import { planMerge } from '../../functions/domain/store/plan-merge.js';
import { EMPTY_TOTALS } from '../../functions/domain/store/stored.js';

interface UpdateInput {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, AttributeValue>;
}

/**
 * An item after an UpdateItem of the `SET #a = :a, #b.#c = :b, … REMOVE #d, #e.#f` form (what the store's head writes use),
 * applied as DynamoDB would; the condition is not checked. Throws on any other form, so a change in the
 * writer's expressions shows up here instead of as a silently wrong item.
 */
export function applyUpdate(item: Item, update: UpdateInput): Item {
  const result: Item = structuredClone(item);
  const name = (placeholder: string) => {
    const resolved = update.ExpressionAttributeNames[placeholder];
    if (resolved === undefined) throw new Error(`applyUpdate: no name for ${placeholder}`);
    return resolved;
  };
  const clauses = update.UpdateExpression.split(/\s*\b(SET|REMOVE)\s+/).slice(1);
  for (let index = 0; index < clauses.length; index += 2) {
    const [keyword, body = ''] = [clauses[index], clauses[index + 1]];
    for (const part of body.split(/\s*,\s*/)) {
      if (keyword === 'SET') {
        const match = /^(#\w+)(?:\.(#\w+))? = (:\w+)$/.exec(part);
        const value = match === null ? undefined : update.ExpressionAttributeValues[match[3] as string];
        if (match === null || value === undefined) throw new Error(`applyUpdate: unsupported SET ${part}`);
        const [, top, key] = match as unknown as [string, string, string | undefined];
        if (key === undefined) result[name(top)] = value;
        else {
          const map = result[name(top)]?.M;
          if (map === undefined) throw new Error(`applyUpdate: SET ${part} in no map`);
          map[name(key)] = value;
        }
      } else {
        const path = part.split('.').map(name);
        if (path.length === 1) delete result[path[0] as string];
        else if (path.length === 2) delete result[path[0] as string]?.M?.[path[1] as string];
        else throw new Error(`applyUpdate: unsupported REMOVE ${part}`);
      }
    }
  }
  return result;
}

/** A user's head as the writer's first commit leaves it. */
export function headItem(user: string, commit: HeadCommit): Item {
  return applyUpdate({ ...headKey(user) }, commitUpdate(EMPTY_HEAD, commit));
}

export interface StoredUserOptions {
  readonly version?: number;
  readonly txn?: string;
  readonly rules?: CompiledRules;
  /** Lower than the store's default to spread a day over pages and a session's events over chunks. */
  readonly pageLimitBytes?: number;
  readonly link?: StoredLink;
  readonly stitchedSample?: readonly string[];
}

export interface StoredUser {
  readonly head: Item;
  /** Day pages and event chunks, in the order the writer puts them. */
  readonly items: Item[];
}

/**
 * The items one merge of `events` into an empty user writes under `version`, and the head its commit sets:
 * the same plan, day encoding and head update as the writer, so the real reader can be tested over a mocked
 * client. A later version of the same user (all its events again) supersedes every day it rewrites.
 */
export function storedUser(
  user: string,
  events: readonly EventRecord[],
  options: StoredUserOptions = {},
): StoredUser {
  const version = options.version ?? 1;
  const txn = options.txn ?? `txn${version}`;
  const rules = options.rules ?? compileRules(DEFAULT_SESSION_RULES);
  const plan = planMerge({ user, rules, totals: EMPTY_TOTALS, loaded: [], add: events });
  const token = tokenOf(version, txn);
  const items = plan.changes.flatMap((change) => {
    const encoded = encodeDay(
      { user, day: change.day, version, txn, token, before: change.before, sessions: change.sessions },
      options.pageLimitBytes,
    );
    return [...encoded.chunks, ...encoded.pages];
  });
  const sample = options.stitchedSample ?? [];
  const head = headItem(user, {
    version,
    txn,
    lastDay: plan.changes[plan.changes.length - 1]?.day,
    recent: [{ version, txn, at: 0, afterDay: undefined }],
    rules: rules.fingerprint,
    totals:
      plan.changes.length === 0
        ? EMPTY_TOTALS
        : {
            sessionCount: plan.sessionCount,
            eventCount: plan.eventCount,
            months: plan.months,
            dayCount: plan.dayCount,
            firstSeenAt: plan.rangeFirstEventAt,
            lastSeenAt: plan.rangeLastEventAt,
          },
    ...(options.link !== undefined && { link: options.link }),
    stitchedCount: sample.length,
    stitchedSample: sample,
  });
  return { head, items };
}
