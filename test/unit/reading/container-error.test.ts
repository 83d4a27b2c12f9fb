import { describe, expect, it } from 'vitest';
import { ContainerError, formatByteCount } from '../../../functions/domain/reading/container-error.js';
import { DEFAULT_MAX_MEMBER_BYTES } from '../../../functions/domain/reading/containers.js';

describe('formatByteCount', () => {
  it.each([
    [DEFAULT_MAX_MEMBER_BYTES, '4 GiB'],
    [1.5 * 1024 * 1024, '1.5 MiB'],
    [100_000, '97.66 KiB'],
    [512, '512 bytes'],
  ])('writes %d as %s', (bytes, text) => {
    expect(formatByteCount(bytes)).toBe(text);
  });
});

describe('ContainerError', () => {
  it('names the file, the reason and how far reading got', () => {
    const error = new ContainerError('truncated', 'a.zip!b.json', 'the archive ends inside this member', {
      deliveredBytes: 1200,
      compressedOffset: 800,
    });

    expect(error.message).toBe(
      'a.zip!b.json: the archive ends inside this member; 1200 decompressed bytes were read, up to compressed byte 800',
    );
    expect(error).toMatchObject({ name: 'ContainerError', kind: 'truncated', file: 'a.zip!b.json' });
  });
});
