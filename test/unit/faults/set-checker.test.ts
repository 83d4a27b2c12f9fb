// The fault suite's checker must see every kind of damage, or its zeros mean nothing.
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../../functions/domain/views/session-view.js';
import type { BatchOracle } from '../../integration/faults/batch-oracle.js';
import { changedSessions, checkStore } from '../../integration/faults/set-checker.js';
import type { StoredSession } from '../../integration/faults/store-reader.js';

function view(userId: string, sessionId: string, eventCount: number): SessionView {
  return {
    userId,
    sessionNumber: 1,
    sessionId,
    startedAt: '2024-01-01T09:00:00.000Z',
    endedAt: '2024-01-01T09:10:00.000Z',
    durationSeconds: 600,
    eventCount,
    pageViews: 0,
    bounce: eventCount === 1,
    entryPage: null,
    exitPage: null,
    campaign: null,
    anonymousIds: [],
    device: null,
    firstEvent: 'Opened',
    lastEvent: 'Closed',
  };
}

/** u1 has one session of events a and b; u2 one of event c. */
function oracle(): BatchOracle {
  return {
    sessionsByUser: new Map([
      ['u1', [{ view: view('u1', 'S1', 2), eventIds: new Set(['m:a', 'm:b']) }]],
      ['u2', [{ view: view('u2', 'S2', 1), eventIds: new Set(['m:c']) }]],
    ]),
    events: 3,
    rejected: 0,
  };
}

const stored = (sessionView: SessionView, eventIds: string[]): StoredSession => ({
  view: sessionView,
  detail: sessionView,
  eventIds,
});

/** Exactly what the oracle expects. */
function faithfulStore(): Map<string, StoredSession[]> {
  return new Map([
    ['u1', [stored(view('u1', 'S1', 2), ['m:a', 'm:b'])]],
    ['u2', [stored(view('u2', 'S2', 1), ['m:c'])]],
  ]);
}

describe('checkStore', () => {
  it('counts nothing for a store that holds exactly the batch result', () => {
    expect(checkStore(oracle(), faithfulStore())).toEqual({
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      sessionMismatches: 0,
      examples: [],
    });
  });

  it('counts an event stored nowhere as lost, and its session as a mismatch', () => {
    const store = faithfulStore();
    store.set('u1', [stored(view('u1', 'S1', 2), ['m:a'])]);

    const result = checkStore(oracle(), store);

    expect(result).toMatchObject({ lost: 1, duplicated: 0, unexpected: 0, sessionMismatches: 1 });
    expect(result.examples).toContain('lost: event u1 m:b (expected in session S1)');
    expect(result.examples).toContain('session mismatch: u1 S1 holds other events than the batch');
  });

  it('counts an event in two sessions as duplicated, and the extra session as a mismatch', () => {
    const store = faithfulStore();
    store.set('u1', [stored(view('u1', 'S1', 2), ['m:a', 'm:b']), stored(view('u1', 'S9', 1), ['m:b'])]);

    const result = checkStore(oracle(), store);

    expect(result).toMatchObject({ lost: 0, duplicated: 1, unexpected: 0, sessionMismatches: 1 });
    expect(result.examples).toContain('duplicated: event u1 m:b stored 2 times, in S1, S9');
    expect(result.examples).toContain('session mismatch: u1 S9 stored, not in the batch');
  });

  it('counts an event stored twice in one session as duplicated', () => {
    const store = faithfulStore();
    store.set('u2', [stored(view('u2', 'S2', 1), ['m:c', 'm:c'])]);

    expect(checkStore(oracle(), store)).toMatchObject({ duplicated: 1, lost: 0 });
  });

  it('counts an event the batch never accepted as unexpected, under a user nobody expected too', () => {
    const store = faithfulStore();
    store.set('u3', [stored(view('u3', 'S3', 1), ['m:z'])]);

    const result = checkStore(oracle(), store);

    expect(result).toMatchObject({ lost: 0, duplicated: 0, unexpected: 1, sessionMismatches: 1 });
    expect(result.examples).toContain('unexpected: event u3 m:z stored in S3');
  });

  it('names the fields of a session that differ from the batch', () => {
    const store = faithfulStore();
    store.set('u2', [stored({ ...view('u2', 'S2', 1), endedAt: '2024-01-01T09:20:00.000Z' }, ['m:c'])]);

    const result = checkStore(oracle(), store);

    expect(result.sessionMismatches).toBe(1);
    expect(result.examples).toEqual([
      'session mismatch: u2 S2 differs in endedAt: "2024-01-01T09:20:00.000Z" instead of "2024-01-01T09:10:00.000Z"',
    ]);
  });

  it('counts a session missing from the store, and one whose own route disagrees with the list', () => {
    const store = faithfulStore();
    store.delete('u2');
    store.set('u1', [{ ...stored(view('u1', 'S1', 2), ['m:a', 'm:b']), detail: view('u1', 'S1', 3) }]);

    const result = checkStore(oracle(), store);

    expect(result).toMatchObject({ lost: 1, sessionMismatches: 2 });
    expect(result.examples).toContain('session mismatch: u2 S2 in the batch, not stored');
    expect(result.examples).toContain(
      'session mismatch: u1 S1 its own route shows it otherwise than the list',
    );
  });
});

describe('changedSessions', () => {
  it('names the sessions that differ between two reads, and none for the same read', () => {
    const before = faithfulStore();
    const after = faithfulStore();
    after.set('u2', [stored(view('u2', 'S2', 1), ['m:d'])]);

    expect(changedSessions(before, faithfulStore())).toEqual([]);
    expect(changedSessions(before, after)).toEqual(['u2 S2']);
  });
});
