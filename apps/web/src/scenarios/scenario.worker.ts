/**
 * The scenario runner's worker (scenarioJob.ts): parse, run, summarise and serialise, as the
 * command line does (packages/engine/nodejs/cli.ts), and post the result back once.
 */

import {
  isKvError,
  parseScenarioText,
  runScenario,
  scenarioProblems,
  serializeReport,
  summarizeReport,
} from '@kvscope/engine';
import type { ScenarioJob, ScenarioResult } from './scenarioJob.ts';

function run(job: ScenarioJob): ScenarioResult {
  const scenario = parseScenarioText(job.text);
  if (isKvError(scenario))
    return {
      ok: false,
      code: scenario.code,
      message: scenario.sentence,
      problems: scenarioProblems(scenario),
    };
  const started = performance.now();
  const report = runScenario(scenario, {
    ...(job.seed === undefined ? {} : { seed: job.seed }),
    scenarioPath: job.path,
    wallClock: () => performance.now(),
  });
  if (isKvError(report)) return { ok: false, code: report.code, message: report.sentence, problems: [] };
  return {
    ok: true,
    name: report.name,
    seed: report.seed,
    valid: report.valid,
    traceHash: report.traceHash,
    summary: summarizeReport(report),
    report: serializeReport(report),
    wallMs: performance.now() - started,
  };
}

self.onmessage = (event: MessageEvent<ScenarioJob>) => {
  self.postMessage(run(event.data));
};
