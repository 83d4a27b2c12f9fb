import { describe, expect, it } from 'vitest';
import { type BatchInput, sessionizeInputs } from '../../../cli/batch.js';
import { InputChangedError } from '../../../cli/tie-break-texts.js';
import { createBrowserOf } from '../../../functions/domain/events/browser.js';
import { DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { zipWithDataDescriptors } from '../reading/archives.js';

const HOUR_MS = 60 * 60 * 1000;
const T0 = Date.UTC(2024, 0, 1);

/** One NDJSON input: `sessions` one-event sessions of `user`, an hour apart, then one of `later`. */
function botInput(user: string, sessions: number): BatchInput {
  const lines: string[] = [];
  for (let n = 0; n < sessions; n++) {
    const timestamp = new Date(T0 + n * HOUR_MS).toISOString();
    lines.push(
      JSON.stringify({ type: 'track', event: 'tick', userId: user, messageId: `${user}-${n}`, timestamp }),
    );
  }
  lines.push(
    JSON.stringify({
      type: 'track',
      event: 'x',
      userId: 'later',
      messageId: 'l',
      timestamp: new Date(T0).toISOString(),
    }),
  );
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  return {
    name: `${user}.ndjson`,
    open: async function* () {
      yield bytes;
    },
  };
}

const options = { rules: DEFAULT_SESSION_RULES, inputFormat: 'auto', browserOf: createBrowserOf() } as const;

describe('sessionizeInputs hands sessions on', () => {
  it('in batches of at most 1,024, in order, for a user with thousands of sessions', async () => {
    const batches: SessionSummary[][] = [];
    const result = await sessionizeInputs([botInput('bot', 2_500)], {
      ...options,
      onSessions: (sessions) => {
        batches.push([...sessions]);
        return undefined;
      },
    });

    expect(batches.map((batch) => batch.length)).toEqual([1_024, 1_024, 452, 1]);
    const bot = batches.flat().filter((session) => session.userId === 'bot');
    expect(bot.map((session) => session.sessionNumber)).toEqual(bot.map((_, index) => index + 1));
    expect(bot.map((session) => session.startedAt)).toEqual(bot.map((_, index) => T0 + index * HOUR_MS));
    expect(batches.at(-1)?.[0]?.userId).toBe('later');
    expect(result.sessionCount).toBe(2_501);
    expect(result.sessions).toEqual([]);
  });

  it('waits for a full output between batches of one user', async () => {
    const events: string[] = [];
    let release: (() => void) | undefined;
    const run = sessionizeInputs([botInput('bot', 2_048)], {
      ...options,
      onSessions: (sessions) => {
        events.push(`took ${sessions.length}`);
        if (events.length > 1) return undefined;
        return new Promise<void>((resolve) => {
          release = () => {
            events.push('released');
            resolve();
          };
        });
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['took 1024']);
    release?.();
    await run;
    expect(events).toEqual(['took 1024', 'released', 'took 1024', 'took 1']);
  });

  it("keeps every session of a user too long to spread into one call's arguments", async () => {
    const result = await sessionizeInputs([botInput('bot', 150_000)], options);

    expect(result.sessions).toHaveLength(150_001);
    expect(result.sessions[149_999]).toMatchObject({ userId: 'bot', sessionNumber: 150_000 });
  }, 60_000);
});

describe('sessionizeInputs with an input that cannot be read', () => {
  it('says why in words, as a name that is no file is said', async () => {
    const refused: BatchInput = {
      name: 'locked.ndjson',
      open: async function* () {
        yield* [];
        throw Object.assign(new Error("EACCES: permission denied, open 'locked.ndjson'"), { code: 'EACCES' });
      },
    };
    const result = await sessionizeInputs([refused, botInput('u', 1)], options);
    expect(result.files.map((file) => [file.file, file.error])).toEqual([
      ['locked.ndjson', 'cannot read: permission denied'],
      ['u.ndjson', undefined],
    ]);
  });
});

describe('sessionizeInputs reading an input again for a tie-break', () => {
  // Two copies of one event at one instant that differ: the canonical JSON that sorts first wins (rule 3),
  // which takes reading both copies again.
  const copy = (name: string) =>
    JSON.stringify({
      type: 'track',
      event: name,
      userId: 'u',
      messageId: 'm',
      timestamp: '2024-01-01T09:00:00Z',
    });
  /** An input whose later reads give `later` instead of what the first read gave. */
  function changingInput(first: string, later: string | Error): BatchInput {
    let reads = 0;
    return {
      name: 'changing.ndjson',
      open: async function* () {
        reads++;
        if (reads > 1 && later instanceof Error) throw later;
        yield Buffer.from(reads === 1 ? first : (later as string));
      },
    };
  }

  it('keeps the copy whose text sorts first when the input reads the same again', async () => {
    const text = `${copy('Zeta')}\n${copy('Alpha')}\n`;
    const result = await sessionizeInputs([changingInput(text, text)], options);
    expect(result.sessions.map((session) => session.firstEvent)).toEqual(['Alpha']);
  });

  const inputOf = (name: string, bytes: Uint8Array): BatchInput => ({
    name,
    open: async function* () {
      yield bytes;
    },
  });
  const other = JSON.stringify({ type: 'track', event: 'o', userId: 'o', timestamp: '2024-01-01T09:00:00Z' });

  it.each([
    ['Zeta first', ['Zeta', 'Alpha']],
    ['Alpha first', ['Alpha', 'Zeta']],
  ])(
    'reads each copy from its own member of an archive that holds one path twice (%s)',
    async (_, [first, second]) => {
      const archive = zipWithDataDescriptors([
        { path: 'm.ndjson', content: Buffer.from(`${other}\n${copy(first as string)}\n`) },
        { path: 'm.ndjson', content: Buffer.from(`${copy(second as string)}\n${other}\n${other}\n`) },
      ]);
      const result = await sessionizeInputs([inputOf('export.zip', archive)], options);
      expect(result.sessions.find((session) => session.userId === 'u')?.firstEvent).toBe('Alpha');
      expect(result.files.map((file) => file.file)).toEqual([
        'export.zip!m.ndjson',
        'export.zip!m.ndjson (2)',
      ]);
    },
  );

  it.each([
    ['the archive first', [0, 1]],
    ['the file first', [1, 0]],
  ])(
    "reads each copy from its own input when a file is named like another input's member (%s)",
    async (_, order) => {
      const archive = zipWithDataDescriptors([
        { path: 'm.ndjson', content: Buffer.from(`${other}\n${copy('Zeta')}\n`) },
      ]);
      const inputs = [
        inputOf('x.zip', archive),
        inputOf('x.zip!m.ndjson', Buffer.from(`${copy('Alpha')}\n${other}\n`)),
      ];
      const result = await sessionizeInputs(
        (order as number[]).map((index) => inputs[index] as BatchInput),
        options,
      );
      expect(result.sessions.find((session) => session.userId === 'u')?.firstEvent).toBe('Alpha');
    },
  );

  it.each([
    ['the Segment file first', [0, 1]],
    ['the PostHog file first', [1, 0]],
  ])(
    'keeps one copy, whatever the order, of an object two files read in two formats (%s)',
    async (_, order) => {
      // One text, so rule 3's canonical JSON cannot choose: a page "pg" as Segment, a track "e" as PostHog.
      const object = JSON.stringify({
        type: 'page',
        name: 'pg',
        event: 'e',
        userId: 'u',
        distinct_id: 'u',
        messageId: 'm',
        uuid: 'm',
        timestamp: '2024-01-01T09:00:00Z',
      });
      const posthog = JSON.stringify({
        event: 'p',
        distinct_id: 'p',
        uuid: 'p',
        timestamp: '2024-01-01T09:00:00Z',
      });
      const inputs = [
        inputOf('segment.ndjson', Buffer.from(`${object}\n`)),
        inputOf('posthog.ndjson', Buffer.from(`${posthog}\n${object}\n`)),
      ];
      const result = await sessionizeInputs(
        (order as number[]).map((index) => inputs[index] as BatchInput),
        options,
      );
      expect(result.files.map((file) => file.format).sort()).toEqual(['posthog', 'segment']);
      expect(result.sessions.find((session) => session.userId === 'u')?.firstEvent).toBe('pg');
    },
  );

  it.each([
    ['Zeta', 'Alpha'],
    ['Alpha', 'Zeta'],
  ])(
    'reads a copy kept from before a JSON array broke (%s, then %s followed by text) as the value that was read',
    async (first, second) => {
      const broken = `[${copy(first)},\n${copy(second)} x]`;
      const result = await sessionizeInputs([inputOf('broken.json', Buffer.from(broken))], options);
      expect(result.sessions.map((session) => session.firstEvent)).toEqual(['Alpha']);
      expect(result.files.map((file) => file.error)).toEqual([
        'JSON array element 2 is followed by text that is not a comma or "]"; reading stopped at line 2',
      ]);
    },
  );

  it("names the rejections and files of an input named like another's member apart, as its events", async () => {
    const archive = zipWithDataDescriptors([{ path: 'm.ndjson', content: Buffer.from(`${other}\nBAD1\n`) }]);
    const result = await sessionizeInputs(
      [inputOf('x.zip', archive), inputOf('x.zip!m.ndjson', Buffer.from(`${other}\nBAD2\n`))],
      options,
    );
    expect(result.files.map((file) => file.file)).toEqual(['x.zip!m.ndjson', 'x.zip!m.ndjson (2)']);
    expect([...result.rejected].map((rejection) => [rejection.file, rejection.raw])).toEqual([
      ['x.zip!m.ndjson', 'BAD1'],
      ['x.zip!m.ndjson (2)', 'BAD2'],
    ]);
  });

  it.each([
    ['its records are gone', `${copy('Zeta')}\n`, 'changing.ndjson: record 2 is gone'],
    [
      'a record is no longer JSON',
      `${copy('Zeta')}\nnot json\n`,
      'changing.ndjson: record 2 is no longer JSON',
    ],
    ['it cannot be read', new Error('EACCES: permission denied'), 'changing.ndjson: cannot read: EACCES'],
  ])(
    'stops with an InputChangedError when %s, instead of deciding the tie on nothing',
    async (_what, later, message) => {
      const input = changingInput(`${copy('Zeta')}\n${copy('Alpha')}\n`, later);
      const run = sessionizeInputs([input], options);
      await expect(run).rejects.toBeInstanceOf(InputChangedError);
      await expect(run).rejects.toThrow(message);
    },
  );
});
