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
