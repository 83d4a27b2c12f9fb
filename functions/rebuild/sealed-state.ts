import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RebuildRequest } from '../../contract/index.js';
import type { FinishRequest, SegmentRequest } from './rebuild-table.js';

// The state machine's execution history keeps every state's input and output for 90 days and cannot be
// deleted, so an erasure never reaches it. What in them names users (a cursor is a user's key `U#<id>`, the
// users left are ids) travels sealed under the rebuild's own key, which the rules record holds only while the
// rebuild is in progress: once it finishes, nothing in the history can be opened.

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `text` sealed under `key` for `purpose` (a value sealed for one purpose does not open for another). */
export function seal(key: Uint8Array, purpose: string, text: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(purpose));
  const sealed = Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64url');
}

/** What `seal` sealed under `key` for `purpose`; undefined for anything else (altered, another key). */
export function open(key: Uint8Array, purpose: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== sealed) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
      .setAAD(Buffer.from(purpose))
      .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Characters of `bytes` bytes sealed: base64 of the IV, the bytes and the tag. */
export function sealedChars(bytes: number): number {
  return Math.ceil(((IV_BYTES + bytes + TAG_BYTES) * 4) / 3);
}

/** Says what is wrong without what the value holds: the error reaches the history and the logs. */
function refused(what: string, resend: string): Error {
  return new Error(
    `${what} does not open with this rebuild's key, so it is not one a rebuild call of this rebuild answered (or the rebuild began again since): ${resend}`,
  );
}

const segmentPurpose = (segment: number, totalSegments: number) => `segment ${segment}/${totalSegments}`;
const countPurpose = (segment: number) => `count ${segment}`;
const USERS = 'users';

export function sealCursor(key: Uint8Array, request: SegmentRequest): string | null {
  const { cursor, segment, totalSegments } = request;
  return cursor === null ? null : seal(key, segmentPurpose(segment, totalSegments), cursor);
}

export function openCursor(key: Uint8Array, request: SegmentRequest): string | null {
  const { cursor, segment, totalSegments } = request;
  if (cursor === null) return null;
  const opened = open(key, segmentPurpose(segment, totalSegments), cursor);
  if (opened === undefined) {
    throw refused(
      'the cursor',
      'pass back the cursor of the previous answer, or null to start the segment over (an execution begun before the rebuild began again: start the rebuild again)',
    );
  }
  return opened;
}

function sealUsers(key: Uint8Array, users: readonly string[]): string {
  return seal(key, USERS, JSON.stringify(users));
}

function openUsers(key: Uint8Array, sealed: string): string[] {
  const opened = open(key, USERS, sealed);
  const users: unknown = opened === undefined ? undefined : JSON.parse(opened);
  if (!Array.isArray(users) || !users.every((user) => typeof user === 'string' && user !== '')) {
    throw refused('the list of users', "pass back the previous answer's `next`, or start the rebuild again");
  }
  return users;
}

type SealedFinish = Omit<Extract<RebuildRequest, { action: 'finish' }>, 'action'>;

/** A finish request, its lists of users as `Users` (a list open, a string sealed) and its count's positions. */
interface FinishShape<Users> {
  readonly pass?: number;
  readonly users?: Users;
  readonly count?: {
    readonly segments: readonly { readonly cursor: string | null; readonly done: boolean }[];
    readonly found: number;
    readonly users: Users;
  };
}

/**
 * `request` with its lists of users and its count's positions (the parts that name users) passed through
 * `users` and `position`: the one walk of a finish request that sealing and opening share, so they cannot
 * disagree on what is sealed.
 */
function mapFinish<From, To>(
  request: FinishShape<From>,
  users: (list: From) => To,
  position: (cursor: string, segment: number) => string,
): FinishShape<To> {
  const { pass, users: toCut, count } = request;
  return {
    ...(pass !== undefined && { pass }),
    ...(toCut !== undefined && { users: users(toCut) }),
    ...(count !== undefined && {
      count: {
        segments: count.segments.map(({ cursor, done }, segment) => ({
          cursor: cursor === null ? null : position(cursor, segment),
          done,
        })),
        found: count.found,
        users: users(count.users),
      },
    }),
  };
}

/** A finish request for the state machine to hand on: the users and the count's positions sealed. */
export function sealFinish(key: Uint8Array, request: FinishRequest): SealedFinish {
  return mapFinish(
    request,
    (users: readonly string[]) => sealUsers(key, users),
    (cursor, segment) => seal(key, countPurpose(segment), cursor),
  );
}

/** The finish request the state machine handed on, opened: refused when anything in it does not open. */
export function openFinish(key: Uint8Array, request: SealedFinish): FinishRequest {
  return mapFinish(
    request,
    (sealed: string) => openUsers(key, sealed),
    (cursor, segment) => {
      const opened = open(key, countPurpose(segment), cursor);
      if (opened === undefined) {
        throw refused(
          'a position of the count',
          "pass back the previous answer's `next`, or start the rebuild again",
        );
      }
      return opened;
    },
  );
}
