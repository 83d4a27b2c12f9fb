import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { literalSchemaKeys, withLiteralSchemaKeys } from '../../lib/config/sdk-schema-keys.js';

// The shape of an SDK client's schemas/schemas_0.js: a string table, then schemas whose traits use it as keys.
const SCHEMAS = `const _e = "error";
const _h = "http";
const _hE = "httpError";
const _p = "__proto__";
const _x = "x\\u0041";
const n0 = "com.example";
export var Sent$ = [9, n0, "Sent", { [_h]: ["GET", "/sent", 200] }, () => SentInput$];
export var SentInput$ = [3, n0, "SentInput", 0, [], []];
export var Unsent$ = [9, n0, "Unsent", { [_h]: ["PUT", "/unsent", 200], [_hE]: 400 }, () => UnsentInput$];
export var UnsentInput$ = [3, n0, "UnsentInput", { [_e]: "client" }, [], []];
`;
const KEPT_KEYS = 'export var Odd$ = { [_p]: 1, [_x]: 2, [_unknown]: 3 };\n';

describe('literal SDK schema keys', () => {
  it('writes each computed key over the string table as its string, and nothing else', () => {
    const { code, replaced } = withLiteralSchemaKeys(SCHEMAS + KEPT_KEYS);
    expect(replaced).toBe(4);
    expect(code).toContain('{ "http": ["PUT", "/unsent", 200], "httpError": 400 }');
    expect(code).toContain('{ "error": "client" }');
    // __proto__ as a literal key would set the prototype; an escaped or undefined name stays computed.
    expect(code).toContain('{ [_p]: 1, [_x]: 2, [_unknown]: 3 }');
    expect(code.split('\n').slice(0, 6)).toEqual(SCHEMAS.split('\n').slice(0, 6));
  });

  it('builds the same objects', () => {
    const evaluate = (source: string) =>
      new Function(`${source.replaceAll('export var', 'var')}; return [Sent$, Unsent$, UnsentInput$];`)();
    expect(JSON.stringify(evaluate(withLiteralSchemaKeys(SCHEMAS).code))).toBe(
      JSON.stringify(evaluate(SCHEMAS)),
    );
  });

  it('lets esbuild leave out the schemas nothing imports', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sessionizer-schema-keys-'));
    try {
      const schemas = join(root, 'node_modules/@aws-sdk/client-example/dist-es/schemas');
      await mkdir(schemas, { recursive: true });
      await writeFile(join(schemas, 'schemas_0.js'), SCHEMAS);
      const bundle = async (plugins: Plugin[]) => {
        const result = await build({
          stdin: { contents: `export { Sent$ } from '${join(schemas, 'schemas_0.js')}';`, resolveDir: root },
          bundle: true,
          write: false,
          format: 'esm',
          plugins,
        });
        return result.outputFiles[0]?.text ?? '';
      };
      const without = await bundle([]);
      const withPlugin = await bundle([literalSchemaKeys]);
      expect(without).toContain('/unsent');
      expect(withPlugin).not.toContain('/unsent');
      expect(withPlugin).not.toContain('UnsentInput');
      expect(withPlugin).toContain('"http": ["GET", "/sent", 200]');
      expect(withPlugin).toContain('SentInput');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
