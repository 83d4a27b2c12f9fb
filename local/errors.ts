// Error handling shared by the stack and its commands.

/** One line for any thrown value, the error's class included (`TimeoutError: ...`). */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Nothing answers at the address (the stack is not running there), by any error in the cause chain. */
export function isConnectionRefused(error: unknown): boolean {
  const codes = new Set<string>();
  for (
    let current: unknown = error;
    current instanceof Error;
    current = (current as { cause?: unknown }).cause
  ) {
    const { code, name } = current as NodeJS.ErrnoException;
    if (code !== undefined) codes.add(code);
    codes.add(name);
  }
  return ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'TimeoutError'].some((code) => codes.has(code));
}
