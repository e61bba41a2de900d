/**
 * The files in public/scenarios/ are what users open: the published schema must be exactly the
 * one the validator compiles, and every shipped scenario must parse.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import { parseScenarioText } from '../../src/scenario/parseScenario.ts';
import { publishedSchemaPath, scenarioSchemaText } from './writeScenarioSchema.ts';

const folder = dirname(publishedSchemaPath);
const scenarioFiles = readdirSync(folder).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');

describe('public/scenarios', () => {
  it('publishes byte for byte the schema the validator uses (rewrite with writeScenarioSchema.ts)', () => {
    expect(readFileSync(publishedSchemaPath, 'utf8')).toBe(scenarioSchemaText());
  });

  it('ships at least three example scenarios', () => {
    expect(scenarioFiles.length).toBeGreaterThanOrEqual(3);
  });

  it.each(scenarioFiles)('%s parses, and its name matches its file name', (file) => {
    const scenario = parseScenarioText(readFileSync(join(folder, file), 'utf8'));
    if (isKvError(scenario)) throw scenario;
    expect(`${scenario.name}.json`).toBe(file);
  });
});
