import { describe, expect, it } from 'vitest';
import { listWords } from '../../../contract/list-words.js';

describe('listWords', () => {
  it('lists words with the conjunction before the last, and no serial comma', () => {
    expect(listWords(['DEBUG', 'INFO', 'WARN', 'ERROR'], 'or')).toBe('DEBUG, INFO, WARN or ERROR');
    expect(listWords(['userId', 'anonymousId'], 'and')).toBe('userId and anonymousId');
    expect(listWords(['a', 'b', 'c'], 'and')).toBe('a, b and c');
  });

  it('gives one word alone and no words as nothing', () => {
    expect(listWords(['retain'], 'or')).toBe('retain');
    expect(listWords([], 'and')).toBe('');
  });
});
