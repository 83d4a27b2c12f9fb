// A local queue's messages on disk, one JSON file per message, so that neither a restart nor a SIGKILL
// loses one. Every change writes a temporary file and renames it over the message's file: rename is
// atomic, so a file always holds one whole version of its message, never a torn one. (No fsync: this
// survives the process dying, which is what a dev tool needs, not the machine losing power.)
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const storedMessageSchema = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  /** Epoch ms of the send. */
  sentAt: z.number(),
  /** Order of sending: receives take older messages first. */
  sequence: z.number().int(),
  receiveCount: z.number().int().min(0),
  firstReceivedAt: z.number().optional(),
  /** Epoch ms from which the message may be received (again). */
  visibleAt: z.number(),
  /** Of the latest receive; only it can delete the message. */
  receiptHandle: z.string().optional(),
  /** Why the latest receive did not end in a delete. */
  lastError: z.string().optional(),
  deadLetteredAt: z.number().optional(),
});

export type StoredMessage = z.infer<typeof storedMessageSchema>;

const MESSAGE_FILE = /^[A-Za-z0-9-]+\.json$/;

/** One folder of message files: a queue, or its dead-letter queue. */
export class MessageFolder {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  save(message: StoredMessage): void {
    const temporary = join(this.dir, `.${message.messageId}.${process.pid}.tmp`);
    writeFileSync(temporary, JSON.stringify(message));
    renameSync(temporary, this.pathOf(message.messageId));
  }

  delete(messageId: string): void {
    rmSync(this.pathOf(messageId), { force: true });
  }

  /**
   * Every message in the folder. Temporary files of a write cut short are removed; a file that is not a
   * message (edited by hand?) is reported and left alone.
   */
  loadAll(onUnreadable: (path: string, problem: string) => void = () => undefined): StoredMessage[] {
    const messages: StoredMessage[] = [];
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        rmSync(path, { force: true });
        continue;
      }
      if (!MESSAGE_FILE.test(name)) continue;
      let parsed: ReturnType<typeof storedMessageSchema.safeParse>;
      try {
        parsed = storedMessageSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      } catch (error) {
        onUnreadable(path, error instanceof Error ? error.message : String(error));
        continue;
      }
      if (!parsed.success) {
        onUnreadable(path, parsed.error.issues.map((issue) => issue.path.join('.')).join(', '));
        continue;
      }
      messages.push(parsed.data);
    }
    return messages;
  }

  private pathOf(messageId: string): string {
    return join(this.dir, `${messageId}.json`);
  }
}
