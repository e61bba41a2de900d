/**
 * Shape validation of a scenario file against its JSON Schema (schema.ts) with ajv, and the
 * translation of ajv's errors into the sentences a person can act on:
 *
 *   { instancePath: '/cluster/r', keyword: 'anyOf', … }  ──▶  `cluster.r: must be a replica count ≥ 1
 *                                                              or one of ONE, QUORUM, … (got 0)`
 *
 * Each problem names the field (a dotted path with [i] for list items), says what was expected and
 * what was found. ajv stays behind this module: nothing else in the engine imports it.
 */

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { scenarioSchema } from './schema.ts';

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled === null) {
    const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true });
    compiled = ajv.compile(scenarioSchema);
  }
  return compiled;
}

/** Every problem with the file's shape, one sentence each; empty when the shape is valid. */
export function scenarioShapeProblems(json: unknown): string[] {
  const validate = validator();
  if (validate(json)) return [];
  const errors = withoutBranchNoise(validate.errors ?? []);
  return [...new Set(errors.map(describeError))];
}

/** `/cluster/nodes/0/id` → `cluster.nodes[0].id`; the root is `scenario`. */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let path = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else path += path === '' ? part : `.${part}`;
  }
  return path === '' ? 'scenario' : path;
}

/** A short rendering of the offending value for `(got …)`. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * Inside `anyOf`/`oneOf`, ajv reports why each branch failed as well as the alternative as a whole;
 * the reader wants the whole ("must be a count or a list"), so branch errors under a failed
 * alternative are dropped. Discriminated `oneOf` keeps the chosen branch's errors: they are precise.
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !alternatives.some((prefix) => e.schemaPath.startsWith(prefix)));
}

function describeError(error: ErrorObject): string {
  const at = fieldPath(error.instancePath);
  const got = `(got ${shown(error.data)})`;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  switch (error.keyword) {
    case 'required':
      return `${fieldPath(error.instancePath, String(params.missingProperty))}: is required`;
    case 'additionalProperties': {
      const known = Object.keys(parent.properties ?? {}).filter((k) => k !== '$schema' && k !== 'type');
      return `${fieldPath(error.instancePath, String(params.additionalProperty))}: is not a known field here (known: ${known.join(', ')})`;
    }
    case 'type': {
      const types = String(params.type).split(',');
      const union = types.length > 1 && parent.description !== undefined;
      return `${at}: must be ${union ? parent.description : an(types.join(' or '))} ${got}`;
    }
    case 'anyOf':
      return `${at}: must be ${parent.description ?? 'one of the allowed forms'} ${got}`;
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).map(shown).join(', ')} ${got}`;
    case 'const':
      return `${at}: must be ${shown(params.allowedValue)} ${got}`;
    case 'discriminator':
      return discriminatorProblem(error, params);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at}: must be ${symbol(String(params.comparison))} ${String(params.limit)} ${got}`;
    case 'minItems':
      return `${at}: must list at least ${String(params.limit)} item(s) ${got}`;
    case 'maxItems':
      return `${at}: must list at most ${String(params.limit)} items (got ${(error.data as unknown[]).length})`;
    case 'minLength':
      return `${at}: must not be empty ${got}`;
    case 'maxLength':
      return `${at}: must be at most ${String(params.limit)} characters ${got}`;
    case 'minProperties':
      return `${at}: must have at least ${String(params.limit)} entry ${got}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'} ${got}`;
  }
}

function symbol(comparison: string): string {
  return comparison.replace('>=', '≥').replace('<=', '≤');
}

function an(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The tag (`type` of a fault, `kind` of a workload or latency) is missing or names no variant. */
function discriminatorProblem(error: ErrorObject, params: Record<string, unknown>): string {
  const tag = String(params.tag);
  const at = fieldPath(error.instancePath, tag);
  const branches = ((error.parentSchema as { oneOf?: { properties: Record<string, { const: string }> }[] })
    .oneOf ?? []) as { properties: Record<string, { const: string }> }[];
  const values = branches.map((b) => b.properties[tag]?.const).filter((v) => v !== undefined);
  return `${at}: must be one of ${values.join(', ')} (got ${shown(params.tagValue)})`;
}
