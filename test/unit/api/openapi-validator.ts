import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import type { CallResult } from './api-event.js';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked by key
export type Json = any;

const DOC_ID = 'https://sessionizer.example/openapi.json';

export const openApi: Json = JSON.parse(
  readFileSync(new URL('../../../functions/api/openapi.json', import.meta.url), 'utf8'),
);

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
// The component schemas become $defs of one registered schema, so strict mode sees only JSON Schema keywords.
const asRegistered = (schema: Json): Json =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`));
ajv.addSchema({ $id: DOC_ID, $defs: asRegistered(openApi.components.schemas) });

/** The documented response of `method` `template` for `status`, a `$ref` to a shared response resolved. */
export function responseObject(template: string, status: number, method = 'get'): Json {
  const response = openApi.paths[template]?.[method]?.responses?.[String(status)];
  if (response === undefined)
    throw new Error(`openapi.json documents no ${status} for ${method.toUpperCase()} ${template}`);
  if (response.$ref === undefined) return response;
  const name = (response.$ref as string).replace('#/components/responses/', '');
  return openApi.components.responses[name];
}

/** A shared header the document refers to (`#/components/headers/...`). */
function headerComponent(ref: string): Json {
  const header = openApi.components.headers?.[ref.replace('#/components/headers/', '')];
  if (header === undefined) throw new Error(`openapi.json has no header ${ref}`);
  return header;
}

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function compiled(key: string, schema: Json) {
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(asRegistered(schema));
    validators.set(key, validate);
  }
  return validate;
}

/** Validator of the documented JSON body of `method` `template` answering `status`. */
export function validatorFor(template: string, status: number, method = 'get') {
  const schema = responseObject(template, status, method).content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`no application/json schema for ${method.toUpperCase()} ${template} ${status}`);
  return compiled(coverageKey(template, status, method), schema);
}

/** GET responses are keyed by template and status alone; other methods by the method too. */
const coverageKey = (template: string, status: number, method: string) =>
  method === 'get' ? `${template} ${status}` : `${method.toUpperCase()} ${template} ${status}`;

/** `template status` pairs whose responses were checked against the document. */
export const covered = new Set<string>();

/** The response is what the document says `method` `template` answers with its status: body and headers. */
export function expectDocumented(template: string, result: CallResult, method = 'get'): void {
  const key = coverageKey(template, result.status, method);
  covered.add(key);
  expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  const validate = validatorFor(template, result.status, method);
  expect(
    validate(result.body),
    `${template} ${result.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(result.body)}`,
  ).toBe(true);
  const headers = responseObject(template, result.status, method).headers ?? {};
  for (const [name, given] of Object.entries<Json>(headers)) {
    const spec = given.$ref === undefined ? given : headerComponent(given.$ref);
    const value = result.headers[name.toLowerCase()];
    if (value === undefined && spec.required !== true) continue;
    const validateHeader = compiled(`${key} ${name}`, spec.schema);
    expect(validateHeader(value), `${name}: ${JSON.stringify(value)}`).toBe(true);
  }
}
