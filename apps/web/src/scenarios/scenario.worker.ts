/**
 * The scenario runner's worker (scenarioJob.ts): parse, run, summarise and serialise, as the
 * command line does (packages/engine/nodejs/cli.ts), record the run for replay (replay.ts), and post
 * the result back once.
 */

import {
  isKvError,
  parseScenarioText,
  runScenario,
  scenarioProblems,
  serializeReport,
  summarizeReport,
} from '@kvscope/engine';
import { ReplayRecorder, replayOperations } from './replay.ts';
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
  const recorder = new ReplayRecorder();
  const report = runScenario(scenario, {
    ...(job.seed === undefined ? {} : { seed: job.seed }),
    scenarioPath: job.path,
    wallClock: () => performance.now(),
    onEvent: recorder.observe,
    onCutLinks: recorder.cutLinks,
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
    replay: recorder.trace(),
    faults: report.faults.map(({ atMs, description }) => ({ atMs, description })),
    operations: replayOperations(report.history),
  };
}

self.onmessage = (event: MessageEvent<ScenarioJob>) => {
  const result = run(event.data);
  // The replay's typed arrays move to the page rather than being copied.
  const r = result.ok ? result.replay : null;
  const buffers = r ? [r.sentAt, r.deliverAt, r.from, r.to, r.type].map((a) => a.buffer) : [];
  self.postMessage(result, { transfer: buffers });
};
