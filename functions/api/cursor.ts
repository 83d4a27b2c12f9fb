import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SortOrder } from '../domain/store/ports.js';
import * as z from '../shared/zod.js';

/** What a cursor is only valid for: the same user, order and filter as the page that minted it. */
export interface CursorBinding {
  readonly userId: string;
  readonly order: SortOrder;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** Any further list filters, in a fixed form (bounce, campaign source). */
  readonly filters?: string | undefined;
}

const VERSION = 1;
/** A shorter HMAC key would be guessable sooner than the cursors it signs expire from use. */
export const MIN_CURSOR_KEY_LENGTH = 32;
/** Well above a real cursor (at most some 130 chars with its mark); bounds the work done on junk. */
export const MAX_CURSOR_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

const payloadSchema = z.object({
  v: z.literal(VERSION),
  after: z.number().check(z.int()),
  mark: z.optional(z.string()),
});

/** Where the next page starts, and optionally what it follows (for pages that find their place again). */
export interface CursorPosition {
  readonly after: number;
  readonly mark?: string | undefined;
}

/** Bytes of a base64url text, only when the text is the one canonical encoding of them. */
function canonicalBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores stray trailing bits, so two texts can decode alike; only the canonical one is ours.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Opaque, tamper-evident page cursors: `base64url(payload).base64url(HMAC-SHA256)`. The payload holds only
 * the position (and a page's mark of where it stopped, when it has one); the binding is signed but not
 * carried, so a cursor cannot be replayed for another user, order or filter, and it tells its holder nothing
 * about them.
 */
export class CursorCodec {
  constructor(private readonly signingKey: string) {
    // Never the key itself in the message: it is a secret.
    if (signingKey.length < MIN_CURSOR_KEY_LENGTH) {
      throw new RangeError(`the cursor-signing key is shorter than ${MIN_CURSOR_KEY_LENGTH} characters`);
    }
  }

  encode(binding: CursorBinding, after: number, mark?: string): string {
    const position = mark === undefined ? { v: VERSION, after } : { v: VERSION, after, mark };
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.mac(binding, payload).toString('base64url')}`;
  }

  /** The position the cursor carries, or undefined when it is malformed, modified or bound elsewhere. */
  decode(cursor: string, binding: CursorBinding): number | undefined {
    return this.position(cursor, binding)?.after;
  }

  /** The position and mark the cursor carries, or undefined as for {@link decode}. */
  position(cursor: string, binding: CursorBinding): CursorPosition | undefined {
    if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
    const [payload, mac, ...rest] = cursor.split('.');
    if (payload === undefined || mac === undefined || rest.length > 0) return undefined;
    const given = canonicalBase64Url(mac);
    const payloadBytes = canonicalBase64Url(payload);
    if (given?.length !== MAC_BYTES || payloadBytes === undefined) return undefined;
    if (!timingSafeEqual(given, this.mac(binding, payload))) return undefined;
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(payloadBytes.toString('utf8')));
      if (!parsed.success) return undefined;
      const { after, mark } = parsed.data;
      return mark === undefined ? { after } : { after, mark };
    } catch {
      return undefined;
    }
  }

  private mac(binding: CursorBinding, payload: string): Buffer {
    // A JSON array is an unambiguous encoding: no user id can make two bindings sign alike.
    const signed = JSON.stringify([
      VERSION,
      binding.userId,
      binding.order,
      binding.from ?? null,
      binding.to ?? null,
      binding.filters ?? null,
      payload,
    ]);
    return createHmac('sha256', this.signingKey).update(signed).digest();
  }
}
