import * as z from './zod.js';

/** A variable holding `true` or `false`, `fallback` when unset; refused, saying so, when it holds anything else. */
export function booleanVar(fallback: 'true' | 'false') {
  return z.pipe(
    z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), fallback),
    z.transform((value) => value === 'true'),
  );
}
