// docs/api.md and openapi.json say the same of the lookup API: its routes, the list's parameters and their
// bounds, the error codes and statuses, and the headers every answer carries.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Json, openApi } from './openapi-validator.js';

const docs = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

/** The rows of the markdown table whose header row starts with `first`, as cells without backticks. */
function table(first: string): string[][] {
  const lines = docs.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(line));
  if (start === -1) throw new Error(`docs/api.md has no table headed ${first}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);

const lookupTemplates = [
  '/users/{userId}',
  '/users/{userId}/sessions',
  '/users/{userId}/sessions/{sessionId}',
];
const queryParameter = (template: string, name: string): Json =>
  (openApi.paths[template].get.parameters as Json[]).find((entry) => entry.name === name);

describe('docs/api.md agrees with openapi.json', () => {
  it('lists the same routes', () => {
    const documented = Object.entries<Json>(openApi.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => key !== 'parameters')
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const listed = table('route').map((row) => codeSpans(row[0] as string)[0]);
    expect(listed.sort()).toEqual(documented.sort());
  });

  it('lists the same session-list parameters, with the same bounds and default', () => {
    const listed = table('parameter').flatMap((row) => codeSpans(row[0] as string));
    const documented = (openApi.paths['/users/{userId}/sessions'].get.parameters as Json[]).map(
      (entry) => entry.name,
    );
    expect(listed.sort()).toEqual(documented.sort());
    const limit = queryParameter('/users/{userId}/sessions', 'limit').schema;
    const limitRow = table('parameter').find((row) => row[0] === '`limit`')?.[1];
    expect(limitRow).toContain(`${limit.minimum} to ${limit.maximum}, default ${limit.default}`);
    const order = queryParameter('/users/{userId}/sessions', 'order').schema;
    const orderRow = table('parameter').find((row) => row[0] === '`order`')?.[1] ?? '';
    expect(codeSpans(orderRow).sort()).toEqual([...order.enum].sort());
    expect(orderRow).toContain(`\`${order.default}\` (default`);
  });

  it('states the bounds of a session’s events page', () => {
    const limit = queryParameter('/users/{userId}/sessions/{sessionId}', 'limit').schema;
    const number = (value: number) => value.toLocaleString('en');
    expect(docs).toContain(
      `(${number(limit.minimum)} to ${number(limit.maximum)}, default ${number(limit.default)})`,
    );
  });

  it('lists the statuses and error codes the lookup routes answer', () => {
    const rows = table('status');
    const statuses = rows.map((row) => row[0]);
    const documented = new Set(
      lookupTemplates.flatMap((template) => Object.keys(openApi.paths[template].get.responses)),
    );
    expect([...statuses, '200'].sort()).toEqual([...documented].sort());
    const codes = rows.map((row) => codeSpans(row[1] as string)[0]);
    const schemas = openApi.components.schemas;
    const errorCodes = [
      ...schemas.Error.properties.error.properties.code.enum,
      schemas.StitchedError.properties.error.properties.code.const,
    ];
    expect(codes.sort()).toEqual(errorCodes.sort());
  });

  it('names the headers every answer and a 405 carry', () => {
    const cacheControl = openApi.components.headers.CacheControl.schema.const;
    expect(docs).toContain(`\`Cache-Control: ${cacheControl}\``);
    const allow = openApi.components.responses.MethodNotAllowed.headers.Allow.schema.const;
    expect(docs).toContain(`\`Allow: ${allow}\``);
  });

  it('says what a query parameter without a name is answered, which no message can start with', () => {
    const said = 'The query has a parameter without a name';
    expect(docs).toContain(`\`${said}\``);
    expect(openApi.info.description).toContain(`\`${said}\``);
  });

  it('says, as docs/api.md does, which ids travel only in the ~b64. form, and the slip a 404 names for them', () => {
    const info = openApi.info.description as string;
    // Sent as is, such an id is read as the form of another id: the answer is that user's.
    expect(docs).toContain('An id\nthat itself starts with `~b64.` can only be asked for in this form');
    expect(info).toContain(
      'An id that itself starts with `~b64.` can only be asked for in its own `~b64.` form',
    );
    expect(docs).toContain('lone surrogate');
    expect(info).toContain('lone surrogate');
    expect(info).toMatch(/slip away \([^)]*an id that starts with `~b64\.` sent as is/);
    // A slash percent-encoded after the id is the same slip as one sent as is.
    expect(docs).toContain('`/users/alice%2F`');
    expect(info).toMatch(/slip away \(without a trailing slash, sent as is or as `%2F`/);
  });
});
