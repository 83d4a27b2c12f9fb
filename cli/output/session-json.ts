import { formatTimestamp } from '../../functions/domain/rules/timestamp.js';
import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import { jsonText } from './json-text.js';
import { secondsText } from './seconds-text.js';

/**
 * Texts kept while they repeat. Cleared whole when full: a file whose every page is new (URLs with unique
 * query strings) then costs what writing each anew costs, with memory bounded.
 */
class RecentTexts<K> {
  private readonly texts = new Map<K, string>();

  constructor(private readonly capacity: number) {}

  of(key: K): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      if (this.texts.size >= this.capacity) this.texts.clear();
      text = jsonText(key);
      this.texts.set(key, text);
    }
    return text;
  }
}

const RECENT_CAPACITY = 4_096;

/** As JSON.stringify writes a number. */
function numberText(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** Nothing JSON or jsonText escapes: no quote, backslash, control, DEL, C1 or anything past them. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** jsonText of a text that is nearly always plain (a session id), without a JSON.stringify for it. */
function plainText(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : jsonText(text);
}

/**
 * A session as jsonText writes its view (toSessionView), byte for byte, straight from its summary: no view
 * object, and no JSON.stringify of the texts that need no escaping (the times, which formatTimestamp writes
 * in digits and `-+:.TZ` only) or that repeat from session to session: a user's id (sessions come user by
 * user), the pages, campaigns and devices (objects shared through the batch's tables) and the event names.
 * On the million-event file, stringifying each whole view took about 6 % of the CLI's CPU time.
 */
export class SessionJsonWriter {
  private readonly objects: RecentTexts<object | null>;
  private readonly names: RecentTexts<string>;
  private lastUserId: string | undefined;
  private lastUserIdText = '';
  private lastAnonymousIds: readonly string[] | undefined;
  private lastAnonymousIdsText = '';

  constructor(capacity = RECENT_CAPACITY) {
    this.objects = new RecentTexts(capacity);
    this.names = new RecentTexts(capacity);
  }

  text(session: SessionSummary): string {
    const duration = (session.endedAt - session.startedAt) / 1000;
    return (
      `{"userId":${this.userIdText(session.userId)}` +
      `,"sessionNumber":${numberText(session.sessionNumber)}` +
      `,"sessionId":${plainText(session.sessionId)}` +
      `,"startedAt":"${formatTimestamp(session.startedAt)}"` +
      `,"endedAt":"${formatTimestamp(session.endedAt)}"` +
      `,"durationSeconds":${Number.isFinite(duration) ? secondsText(duration) : 'null'}` +
      `,"eventCount":${numberText(session.eventCount)}` +
      `,"pageViews":${numberText(session.pageViews)}` +
      `,"bounce":${session.bounce}` +
      `,"entryPage":${this.objects.of(session.entryPage)}` +
      `,"exitPage":${this.objects.of(session.exitPage)}` +
      `,"campaign":${this.objects.of(session.campaign)}` +
      `,"anonymousIds":${this.anonymousIdsText(session.anonymousIds)}` +
      `,"device":${this.objects.of(session.device)}` +
      `,"firstEvent":${this.names.of(session.firstEvent)}` +
      `,"lastEvent":${this.names.of(session.lastEvent)}}`
    );
  }

  private userIdText(userId: string): string {
    if (userId !== this.lastUserId) {
      this.lastUserId = userId;
      this.lastUserIdText = jsonText(userId);
    }
    return this.lastUserIdText;
  }

  private anonymousIdsText(ids: readonly string[]): string {
    const last = this.lastAnonymousIds;
    if (last === undefined || last.length !== ids.length || ids.some((id, index) => id !== last[index])) {
      this.lastAnonymousIds = ids;
      this.lastAnonymousIdsText = jsonText(ids);
    }
    return this.lastAnonymousIdsText;
  }
}
