// `npm run erase -- --user ID`: erases a user through the admin route, `DELETE /admin/users/{userId}`, of
// the running local stack, or with --stage of a deployed stage, signed with your AWS credentials.
import { setTimeout as sleep } from 'node:timers/promises';
import { escapeControlInJson } from '../../contract/visible-text.js';
import type { ErasureView } from '../../functions/admin/app.js';
import { storedNumberId } from '../../functions/domain/rules/identity.js';
import { plural } from '../../local/stack-log.js';
import { type LineIo, runParsed } from '../command-status.js';
import { type EraseTransport, eraseLocally, eraseOnAws } from './admin-call.js';
import { parseEraseOptions, USAGE } from './options.js';

export interface EraseIo extends LineIo, EraseTransport {
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultIo: EraseIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

/**
 * An id as JSON, with what JSON.stringify leaves raw (bidirectional and zero-width characters, DEL and C1
 * controls) as escapes too: an id can hold anything, and the ids an erasure took must read as they are.
 */
const shown = (id: string) => escapeControlInJson(JSON.stringify(id));

function print(view: ErasureView, io: EraseIo): void {
  io.out(`erased user ${shown(view.userId)}: ${plural(view.itemsDeleted, 'item')} deleted`);
  // An API deployed before the field answers without it.
  const stitchedTo = view.stitchedTo ?? null;
  if (stitchedTo !== null) {
    io.out(
      `this id is an anonymousId stitched to user ${shown(stitchedTo)}: its events are refused from ` +
        `now on, but those stored so far are that user's (rule 8) and stay in their sessions; erase ` +
        `${shown(stitchedTo)} to remove them`,
    );
  }
  // An API deployed before the count answers every id.
  const anonymousIdCount = view.anonymousIdCount ?? view.anonymousIds.length;
  if (view.itemsDeleted === 0 && anonymousIdCount === 0) {
    if (stitchedTo !== null) return;
    // The erasure is recorded all the same, and refuses the id's events from now on: a typo would do that.
    io.out(
      'nothing was stored for this id (erased before, or not this id: ids are case-sensitive); it is recorded ' +
        'as erased all the same, so its events are refused from now on',
    );
    const stored = storedNumberId(view.userId);
    if (stored !== undefined) {
      io.out(
        `an id sent as a JSON number is stored as JavaScript writes that number: if the events carried ${view.userId} so, erase ${JSON.stringify(stored)}`,
      );
    }
    return;
  }
  if (anonymousIdCount === 0) {
    io.out('no anonymousIds were stitched to it');
    return;
  }
  io.out(`erased with it, ${plural(anonymousIdCount, 'stitched anonymousId')}:`);
  for (const anonymousId of view.anonymousIds) io.out(`  ${shown(anonymousId)}`);
  const unlisted = anonymousIdCount - view.anonymousIds.length;
  if (unlisted > 0) {
    io.out(
      `  and ${unlisted} more the answer does not list (it lists the first ${view.anonymousIds.length}); ` +
        `SHA-256 of all of them, sorted, as a JSON array: ${view.anonymousIdsSha256 ?? 'not given'}`,
    );
  }
}

/** Runs the command; resolves to its exit status (2 for bad arguments, 1 when the erasure failed). */
export async function runErase(argv: readonly string[], io: EraseIo = defaultIo): Promise<number> {
  const command = { name: 'erase', usage: USAGE, help: 'npm run erase --', quotesJson: true };
  return runParsed(command, parseEraseOptions(argv), io, async (options) => {
    const deployed = options.stage !== undefined || options.apiUrl !== undefined;
    const erase = () => (deployed ? eraseOnAws(options, io) : eraseLocally(options, io));
    print(await erase(), io);
    const minutes = options.againAfterMinutes;
    if (minutes !== undefined) {
      io.out(
        `erasing again in ${plural(minutes, 'minute')}, for what an ingest writing this user meanwhile may have left ` +
          '(stopping now leaves the erasure as it is)',
      );
      await (io.sleep ?? sleep)(minutes * 60_000);
      const second = await erase();
      io.out(`erased again: ${plural(second.itemsDeleted, 'item')} deleted`);
    }
  });
}
