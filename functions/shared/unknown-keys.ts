/**
 * An error map for zod's parse (classic and mini alike) that says, beside an unknown key, which keys the object
 * takes: zod says only `Unrecognized key: "gapMinute"`, which names the typo but not the word that was meant.
 * Every other issue keeps its message.
 */
import type * as z from 'zod/v4/core';

export function unknownKeysError(issue: z.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const shape = (issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
  const given = `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${keys}`;
  return shape === undefined ? given : `${given}; the keys allowed here are ${Object.keys(shape).join(', ')}`;
}
