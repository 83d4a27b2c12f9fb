import type { DeviceFields } from '../events/event.js';
import { deviceOf, platformOf } from '../events/normalize.js';
import { ownedText } from '../reading/owned-text.js';
import { type PlainEvent, PlainText } from '../reading/plain-event.js';
import { HashIndex } from './hash-slots.js';
import { deviceKey } from './intern-keys.js';
import type { Interner } from './interner.js';
import { hashTexts, sameText } from './span-interner.js';

const DEVICE_TEXTS = [PlainText.DeviceType, PlainText.OsName, PlainText.UserAgent] as const;
/** Distinct device texts remembered; past this many a new one is made each time (the same indexes, slower). */
const REMEMBERED = 10_000;
/** Slots the index starts with: an export sends a handful of agents. */
const SLOTS = 1 << 6;

/** What a plain event's device texts give: the indexes {@link DeviceSpans} hands back. */
export interface PlainDevice {
  /** Into the device table, or -1 for no device. */
  device: number;
  /** Into the platform table, or -1 for no platform. */
  platform: number;
}

/**
 * The device and platform of plain events (reading/plain-event.ts) found by the bytes of their three device
 * texts (context.device.type, context.os.name, context.userAgent): an export repeats a few of them endlessly.
 * Texts not seen yet are decoded and made into a device and a platform by normalize's own `deviceOf` and
 * `platformOf`, and interned in the columns' own tables, so the indexes are those the usual way gives. One
 * reading's `browserOf` serves the batch (the CLI's), so an agent's browser is the same whichever event asks.
 */
export class DeviceSpans {
  private readonly index = new HashIndex(SLOTS);
  /** Per remembered entry, its three texts (null when absent) and its indexes. */
  private readonly texts: (string | null)[] = [];
  private readonly found: PlainDevice[] = [];
  /** By owner, the entry of its last event + 1; 0 for none yet. */
  private lastOf = new Int32Array(0);
  /** About what the remembered texts and indexes hold. */
  private textBytes = 0;

  constructor(
    private readonly devices: Interner<DeviceFields>,
    private readonly platforms: Interner<string>,
  ) {}

  get heldBytes(): number {
    return this.index.heldBytes + 4 * this.lastOf.length + this.textBytes;
  }

  /**
   * The device and platform of a plain event that has a device text; `owner` (a number of the caller's, -1 for
   * none) names who sent it: an owner nearly always sends the texts of its last event again, which are then
   * checked in one comparison instead of hashed and looked up.
   */
  of(event: PlainEvent, owner: number): PlainDevice {
    const last = owner >= 0 && owner < this.lastOf.length ? (this.lastOf[owner] as number) - 1 : -1;
    if (last !== -1 && this.holds(last, event)) return this.found[last] as PlainDevice;
    const hash = hashTexts(event, DEVICE_TEXTS);
    const index = this.index;
    for (let entry = index.find(hash); entry !== -1; entry = index.findNext())
      if (this.holds(entry, event)) return this.noteLast(owner, entry);
    const texts = DEVICE_TEXTS.map((text) => {
      const value = event.text(text);
      return value === null ? null : ownedText(value);
    });
    const found = this.intern(texts, event);
    if (this.found.length >= REMEMBERED) return found;
    index.add(this.found.length);
    this.found.push(found);
    this.texts.push(...texts);
    for (const text of texts) this.textBytes += 16 + (text?.length ?? 0);
    return this.noteLast(owner, this.found.length - 1);
  }

  private noteLast(owner: number, entry: number): PlainDevice {
    if (owner < 0) return this.found[entry] as PlainDevice;
    if (owner >= this.lastOf.length) {
      const wider = new Int32Array(Math.max(1024, 2 * owner));
      wider.set(this.lastOf);
      this.lastOf = wider;
    }
    this.lastOf[owner] = entry + 1;
    return this.found[entry] as PlainDevice;
  }

  /** The indexes of the device and platform normalize gives an event of `texts` (type, os, user agent). */
  private intern(texts: readonly (string | null)[], event: PlainEvent): PlainDevice {
    const [type, os, userAgent] = texts;
    const device = deviceOf({ type, os, browser: undefined, userAgent }, event.browserOf);
    const platform = platformOf(type);
    return {
      device: device === null ? -1 : this.devices.intern(deviceKey(device), device),
      platform: platform === null ? -1 : this.platforms.intern(platform, platform),
    };
  }

  private holds(entry: number, event: PlainEvent): boolean {
    for (let k = 0; k < DEVICE_TEXTS.length; k++) {
      const text = DEVICE_TEXTS[k] as PlainText;
      const start = event.starts[text] as number;
      const held = this.texts[3 * entry + k];
      if (start === -1 ? held !== null : !sameText(held, event.bytes, start, event.ends[text] as number))
        return false;
    }
    return true;
  }
}
