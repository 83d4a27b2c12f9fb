import { textInterner } from './interner.js';

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

  /** Every distinct id, by its index. */
  get values(): readonly string[] {
    return this.table.values;
  }

  get heldBytes(): number {
    return this.table.heldBytes + 4 * this.lastAnonymousOf.length;
  }

  intern(id: string): number {
    return this.table.intern(id, id);
  }

  /** The index of `anonymousId`, sent with an event of `user` (an index). */
  anonymousWith(user: number, anonymousId: string): number {
    const last = user < this.lastAnonymousOf.length ? (this.lastAnonymousOf[user] as number) - 1 : NONE;
    if (last !== NONE && this.table.values[last] === anonymousId) return last;
    const anonymous = this.intern(anonymousId);
    if (user >= this.lastAnonymousOf.length) {
      const wider = new Int32Array(Math.max(1024, 2 * this.table.values.length));
      wider.set(this.lastAnonymousOf);
      this.lastAnonymousOf = wider;
    }
    this.lastAnonymousOf[user] = anonymous + 1;
    return anonymous;
  }
}
