/**
 * The one error a configuration loader throws (the functions', the local stack's): `invalid <what>
 * configuration: ` and every problem, `; ` between them, each variable's as `NAME: problem` (a part of a
 * JSON variable as `SOURCES[0].prefix: problem`, one of the whole environment as `env: problem`).
 */

/** What a schema found wrong, in any zod flavour: where, and what. */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** A variable, or a part of a JSON one, as a problem names it: `SOURCES[0].prefix`. */
export function variablePath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** One issue as a problem: `NAME: message`, or `env: message` when it is the environment's as a whole. */
export function issueProblem(issue: ConfigIssue): string {
  return `${variablePath(issue.path) || 'env'}: ${issue.message}`;
}

/** The error naming every problem of `what`'s configuration (`ingest`, `local stack`). */
export function configurationError(what: string, problems: readonly (string | ConfigIssue)[]): Error {
  const texts = problems.map((problem) => (typeof problem === 'string' ? problem : issueProblem(problem)));
  return new Error(`invalid ${what} configuration: ${texts.join('; ')}`);
}
