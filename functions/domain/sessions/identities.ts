import { type PlainEvent, PlainText } from '../reading/plain-event.js';
import { textInterner } from './interner.js';
import { sameText, TextSpans } from './span-interner.js';

const NONE = -1;

/**
 * Ids of users and anonymousIds in one table: an id is one string space (rule 2). An event of a user nearly
 * always has the anonymousId of that user's last event, which is then checked with one string comparison
 * instead of a lookup among every id.
 */
export class Identities {
  private readonly table = textInterner();
  /** By user, the anonymousId of its last event + 1; 0 for none yet. */
  private lastAnonymousOf = new Int32Array(0);
  private readonly spans = new TextSpans(this.table.values, (id) => this.intern(id));

  /** Every distinct id, by its index. */
  get values(): readonly string[] {
    return this.table.values;
  }

  get heldBytes(): number {
    return this.table.heldBytes + 4 * this.lastAnonymousOf.length + this.spans.heldBytes;
  }

  intern(id: string): number {
    return this.table.intern(id, id);
  }

  /** The index of a plain event's userId (reading/plain-event.ts), or {@link NONE}. */
  plainUser(event: PlainEvent): number {
    return this.spans.plainIndex(event, PlainText.UserId);
  }

  /** The index of a plain event's anonymousId, or {@link NONE}; `user` is its userId's. */
  plainAnonymous(event: PlainEvent, user: number): number {
    const start = event.start(PlainText.AnonymousId);
    if (start === NONE) return NONE;
    const end = event.end(PlainText.AnonymousId);
    if (user === NONE) return this.spans.indexOf(event.bytes, start, end);
    const last = this.lastAnonymous(user);
    if (last !== NONE && sameText(this.table.values[last], event.bytes, start, end)) return last;
    return this.noteAnonymous(user, this.spans.indexOf(event.bytes, start, end));
  }

  /** The index of `anonymousId`, sent with an event of `user` (an index). */
  anonymousWith(user: number, anonymousId: string): number {
    const last = this.lastAnonymous(user);
    if (last !== NONE && this.table.values[last] === anonymousId) return last;
    return this.noteAnonymous(user, this.intern(anonymousId));
  }

  private lastAnonymous(user: number): number {
    return user < this.lastAnonymousOf.length ? (this.lastAnonymousOf[user] as number) - 1 : NONE;
  }

  private noteAnonymous(user: number, anonymous: number): number {
    if (user >= this.lastAnonymousOf.length) {
      const wider = new Int32Array(Math.max(1024, 2 * this.table.values.length));
      wider.set(this.lastAnonymousOf);
      this.lastAnonymousOf = wider;
    }
    this.lastAnonymousOf[user] = anonymous + 1;
    return anonymous;
  }
}
