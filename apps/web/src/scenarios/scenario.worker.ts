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
import {
  type ReplayOperation,
  ReplayRecorder,
  type ReplayTrace,
  replayDataCentres,
  replayOperations,
} from './replay.ts';
import { type RequestTraces, requestIdsOf, TraceCollector } from './requestTraces.ts';
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
  const collector = new TraceCollector();
  const report = runScenario(scenario, {
    ...(job.seed === undefined ? {} : { seed: job.seed }),
    scenarioPath: job.path,
    wallClock: () => performance.now(),
    onEvent: (event) => {
      recorder.observe(event);
      collector.observe(event);
    },
    onCutLinks: recorder.cutLinks,
  });
  if (isKvError(report)) return { ok: false, code: report.code, message: report.sentence, problems: [] };
  const replay = recorder.trace();
  return {
    ok: true,
    name: report.name,
    seed: report.seed,
    valid: report.valid,
    traceHash: report.traceHash,
    summary: summarizeReport(report),
    report: serializeReport(report),
    wallMs: performance.now() - started,
    replay,
    dataCentreOf: replayDataCentres(scenario.cluster),
    faults: report.faults.map(({ atMs, description }) => ({ atMs, description })),
    ...tracedOperations(replayOperations(report.history), collector.result(), replay),
  };
}

/** The operations, each tied to its request where that is certain, and those requests' traces. */
function tracedOperations(operations: ReplayOperation[], all: RequestTraces, replay: ReplayTrace) {
  const traces: RequestTraces = {};
  requestIdsOf(operations, all, replay).forEach((requestId, i) => {
    if (requestId === null) return;
    (operations[i] as ReplayOperation).requestId = requestId;
    traces[requestId] = all[requestId] ?? [];
  });
  return { operations, traces };
}

self.onmessage = (event: MessageEvent<ScenarioJob>) => {
  const result = run(event.data);
  // The replay's typed arrays move to the page rather than being copied.
  const r = result.ok ? result.replay : null;
  const buffers = r ? [r.sentAt, r.deliverAt, r.from, r.to, r.type, r.id, r.op].map((a) => a.buffer) : [];
  self.postMessage(result, { transfer: buffers });
};
