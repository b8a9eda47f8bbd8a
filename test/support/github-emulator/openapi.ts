// Checks emulator traffic against GitHub's official OpenAPI description, so the emulator cannot
// drift from the real API: every declared operation's request and response bodies are validated.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | null>();

function loadValidator(): Ajv {
  if (ajv) return ajv;
  const require = createRequire(import.meta.url);
  const specPath = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
  delete spec['openapi'];
  makeNullableExplicit(spec);
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
  addFormats(ajv);
  ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
  ajv.addSchema(spec, 'github');
  return ajv;
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside allOf/anyOf/$ref with no `type`; ajv does not, so say
 * the same thing in JSON Schema: "this schema, or null".
 */
function makeNullableExplicit(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) makeNullableExplicit(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const value of Object.values(record)) makeNullableExplicit(value);
  if (record['nullable'] === true && !('type' in record)) {
    const inner = { ...record };
    delete inner['nullable'];
    for (const key of Object.keys(record)) delete record[key];
    record['anyOf'] = [inner, { type: 'null' }];
  }
}

function pointer(...segments: string[]): string {
  return segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function validatorFor(ref: string): ValidateFunction | null {
  if (!compiled.has(ref)) {
    const instance = loadValidator();
    compiled.set(ref, instance.getSchema(`github#/${ref}`) ?? null);
  }
  return compiled.get(ref)!;
}

export interface Operation {
  /** The OpenAPI path template, e.g. /repos/{owner}/{repo}/releases. */
  path: string;
  method: string;
}

/** Returns a list of problems (empty when valid); throws if the operation or status is undocumented. */
export function checkResponse(op: Operation, status: number, body: unknown): string[] {
  if (status === 304 || status === 204 || body === undefined) return [];
  const base = pointer('paths', op.path, op.method.toLowerCase(), 'responses', String(status));
  const validate = validatorFor(`${base}/${pointer('content', 'application/json', 'schema')}`);
  if (!validate) {
    // Redirects and bodies the spec leaves undescribed (e.g. 302 asset downloads) have no schema.
    const described = validatorFor(base.replace(/\/responses\/\d+$/, '/responses'));
    if (!described) throw new Error(`OpenAPI has no operation ${op.method} ${op.path}`);
    return [];
  }
  return validate(body) ? [] : formatErrors(validate);
}

export function checkRequest(op: Operation, body: unknown): string[] {
  if (body === undefined) return [];
  const ref = `${pointer('paths', op.path, op.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`;
  const validate = validatorFor(ref);
  if (!validate) return [];
  return validate(body) ? [] : formatErrors(validate);
}

function formatErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}
