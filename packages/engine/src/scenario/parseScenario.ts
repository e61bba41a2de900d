/**
 * `parseScenario(json)`: an untrusted JSON value in, a `Scenario` with defaults filled in or a
 * `KV_INVALID_SCENARIO` error out. The shape is checked first (JSON Schema, validateShape.ts), and
 * only a well-shaped file is normalised and checked by the cross-field rules (rules.ts), so every
 * sentence names a field as the file spells it. The error's sentence carries the first few
 * problems; `problems` in its cause lists them all.
 */

import { type KvError, kvError } from '../errors.ts';
import { normaliseScenario, type ScenarioFile } from './normalise.ts';
import { scenarioRuleProblems } from './rules.ts';
import type { Scenario } from './types.ts';
import { scenarioShapeProblems } from './validateShape.ts';

/** How many problems the error sentence spells out; the rest are counted. */
const problemsInSentenceMax = 3;

export function parseScenario(json: unknown): Scenario | KvError {
  const shape = scenarioShapeProblems(json);
  if (shape.length > 0) return invalid(shape);
  const scenario = normaliseScenario(json as ScenarioFile);
  const rules = scenarioRuleProblems(scenario);
  if (rules.length > 0) return invalid(rules);
  scenario.faults = scenario.faults
    .map((fault, i) => ({ fault, i }))
    .sort((a, b) => a.fault.atMs - b.fault.atMs || a.i - b.i)
    .map(({ fault }) => fault);
  return scenario;
}

/** Parses scenario text (a file's contents); a JSON syntax error is a `KV_INVALID_SCENARIO` too. */
export function parseScenarioText(text: string): Scenario | KvError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const sentence = `scenario: is not valid JSON (${(error as Error).message})`;
    return kvError('KV_INVALID_SCENARIO', sentence, { problems: [sentence] });
  }
  return parseScenario(json);
}

function invalid(problems: string[]): KvError {
  const shown = problems.slice(0, problemsInSentenceMax).join('; ');
  const more = problems.length - problemsInSentenceMax;
  const sentence = more > 0 ? `${shown}; and ${more} more problem${more === 1 ? '' : 's'}` : shown;
  return kvError('KV_INVALID_SCENARIO', sentence, { problems });
}

/** The full list of problems behind a `KV_INVALID_SCENARIO` error (empty for any other error). */
export function scenarioProblems(error: KvError): string[] {
  const cause = error.cause as { problems?: string[] } | undefined;
  return error.code === 'KV_INVALID_SCENARIO' ? (cause?.problems ?? [error.sentence]) : [];
}
