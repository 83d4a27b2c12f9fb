// SESSIONIZER_DROP_DIR in the data dir: the drop folder uploads and moves every file in it, so a drop folder
// that is the data dir (or one of its own folders) would take the stack's lock, ledger, signing key,
// database or bucket files, and upload the ledger again after each ingest rewrote it, for ever.
import { describe, expect, it } from 'vitest';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

describe('SESSIONIZER_DROP_DIR', () => {
  it.each([
    ['the data dir itself', '/data'],
    ['the data dir, written otherwise', '/data/./'],
    ['a folder of the stack inside it', '/data/s3/sessionizer-local/incoming'],
    ['the database folder', '/data/dynamodb'],
  ])('refuses %s, naming the variable and what to do', (_what, dropDir) => {
    expect(() =>
      loadLocalStackConfig({ SESSIONIZER_DATA_DIR: '/data', SESSIONIZER_DROP_DIR: dropDir }, '/repo'),
    ).toThrow(
      'invalid local stack configuration: SESSIONIZER_DROP_DIR is inside the data dir /data, whose files ' +
        'the stack keeps (the drop folder would upload and move them): choose a folder outside it, or leave ' +
        'it unset for /data/drop',
    );
  });

  it.each([
    ['the default drop folder, given', '/data/drop'],
    ['a folder beside the data dir', '/data-drop'],
    ['a folder the data dir is in', '/'],
  ])('takes %s', (_what, dropDir) => {
    expect(
      loadLocalStackConfig({ SESSIONIZER_DATA_DIR: '/data', SESSIONIZER_DROP_DIR: dropDir }, '/repo').dropDir,
    ).toBe(dropDir);
  });
});
