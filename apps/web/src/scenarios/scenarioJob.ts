/**
 * A scenario run in the lab (SPEC §3: "the browser lab can load the same scenario files and export
 * its runs in the same format"): the page sends a scenario file's text to a worker that runs it in
 * the deterministic simulator with the same parser, engine and checkers as `npx kvscope run`, and
 * gets back the same summary and report. The same file and seed give the same history and trace
 * hash here as on the command line.
 */

import type { ReplayOperation, ReplayTrace } from './replay.ts';
import type { RequestTraces } from './requestTraces.ts';

export interface ScenarioJob {
  /** The file's text, as loaded (a shipped scenario or one the user chose). */
  text: string;
  /** Where the file is, for the report's replay command (`npx kvscope run <path> --seed N`). */
  path: string;
  /** Runs with this seed instead of the file's. */
  seed?: number;
}

export type ScenarioResult =
  | {
      ok: true;
      name: string;
      seed: number;
      valid: boolean;
      traceHash: string;
      /** What the command line prints: checker verdicts, metrics, faults, the replay command. */
      summary: string;
      /** The report file, byte for byte what `--out` writes. */
      report: string;
      wallMs: number;
      /** The run's messages and node lifecycle, for the replay view (replay.ts). */
      replay: ReplayTrace;
      /** Each node's data centre, when the scenario has two or more; null with one. */
      dataCentreOf: Record<string, string> | null;
      /** The faults the run applied, when (simulated ms) and what. */
      faults: { atMs: number; description: string }[];
      /** The history's operations, invoke paired with completion, for the replay. */
      operations: ReplayOperation[];
      /** The trace events of the requests the operations are tied to (requestTraces.ts). */
      traces: RequestTraces;
    }
  | {
      ok: false;
      code: string;
      message: string;
      /** Every problem of an invalid scenario file, each naming its field. */
      problems: string[];
    };

/** Runs `job` in a worker of its own, so a long run does not stall the page. */
export function runScenarioJob(job: ScenarioJob): Promise<ScenarioResult> {
  const worker = new Worker(new URL('./scenario.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ScenarioResult>((resolve) => {
    worker.onmessage = (event: MessageEvent<ScenarioResult>) => resolve(event.data);
    worker.onerror = (event) =>
      resolve({ ok: false, code: 'KV_INTERNAL', message: event.message || 'the run stopped', problems: [] });
    worker.postMessage(job);
  }).finally(() => worker.terminate());
}
