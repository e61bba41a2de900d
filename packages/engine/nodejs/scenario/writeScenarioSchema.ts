/**
 * Writes the scenario JSON Schema that the engine validates with (src/scenario/schema.ts) to
 * `public/scenarios/scenario.schema.json`, where editors and the lab find it. Run after changing
 * the schema: `npx tsx packages/engine/nodejs/scenario/writeScenarioSchema.ts`. The test next to
 * this file fails whenever the published file and the validator's schema differ.
 */

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioSchema } from '../../src/scenario/schema.ts';

export const publishedSchemaPath = fileURLToPath(
  new URL('../../../../public/scenarios/scenario.schema.json', import.meta.url),
);

/** The exact bytes of the published file: two-space JSON and a final newline. */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioSchema, null, 2)}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(publishedSchemaPath, scenarioSchemaText());
  console.log(`wrote ${publishedSchemaPath}`);
}
