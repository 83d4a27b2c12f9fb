/** A token of `parseArgs({ tokens: true })`, as far as this check reads it. */
interface ArgToken {
  readonly kind: string;
  readonly name?: string;
}

/**
 * The first of `names` given more than once, or undefined. parseArgs keeps only the last of a repeated
 * option, so `--stage dev --stage prod` would act on prod alone and never say that dev was dropped.
 */
export function repeatedOption(
  tokens: readonly ArgToken[],
  names: readonly string[] | undefined = undefined,
): string | undefined {
  const given = tokens.flatMap((token) =>
    token.kind === 'option' && token.name !== undefined && (names?.includes(token.name) ?? true)
      ? [token.name]
      : [],
  );
  return given.find((name, index) => given.indexOf(name) !== index);
}
