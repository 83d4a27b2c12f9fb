import { createHash } from 'node:crypto';
import { wtf8Bytes } from '../../contract/wtf8.js';

/**
 * How logs name an id: logs must not hold user ids, and the SHA-256 still lets an operator match a log line
 * to a user (`printf '%s' ID | sha256sum`) and to the erasure log's `userIdSha256`. Of WTF-8, not UTF-8,
 * which writes every lone surrogate as U+FFFD: `x\ud800`, `x\udc00` and `x\ufffd`, three users, would log
 * one digest.
 */
export const idSha256 = (id: string): string => createHash('sha256').update(wtf8Bytes(id)).digest('hex');

/** A user as an error message that reaches the logs names it. */
export const loggedUser = (userId: string): string => `user with userIdSha256 ${idSha256(userId)}`;
