/**
 * `npx kvscope run <scenario.json> [--seed N] [--out report.json]` (SPEC §3): runs a scenario in the
 * deterministic simulator, prints a short summary (checker verdicts, the Jepsen table for set
 * workloads, headline metrics, the seed and the replay command) and writes the full report as JSON
 * (default `reports/<name>-seed<N>.json`).
 *
 * `--help` (or `-h`, `help`) prints the usage and exits 0.
 *
 * Exit codes: 0 the run passed every promised property; 1 it did not (the summary names the first
 * violation); 2 the command or the scenario file is invalid (`KV_INVALID_SCENARIO` naming the field)
 * or asks for something the runner cannot do (`KV_UNSUPPORTED`), or the report cannot be written.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isKvError } from '../src/errors.ts';
import { parseScenarioText, scenarioProblems } from '../src/scenario/parseScenario.ts';
import { serializeReport } from '../src/scenario/report.ts';
import { runScenario } from '../src/scenario/runScenario.ts';
import { summarizeReport } from '../src/scenario/summary.ts';

const usage = `usage: kvscope run <scenario.json> [--seed N] [--out report.json]

  --seed N    run with seed N instead of the scenario's (0 … 4294967295)
  --out FILE  write the report there (default reports/<name>-seed<N>.json)`;

interface RunArgs {
  file: string;
  seed?: number;
  out?: string;
}

/** Asked for by name: printed to standard output, and the command succeeds. */
const helpWords = new Set(['help', '--help', '-h']);

function parseArgs(argv: string[]): RunArgs | { help: string } | string {
  const [command, ...rest] = argv;
  if (rest.some((arg) => helpWords.has(arg)) || (command !== undefined && helpWords.has(command)))
    return { help: usage };
  if (command !== 'run') return command === undefined ? usage : `unknown command "${command}"\n${usage}`;
  const args: Partial<RunArgs> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--seed' || arg === '--out') {
      const value = rest[++i];
      if (value === undefined) return `${arg} needs a value\n${usage}`;
      if (arg === '--out') args.out = value;
      else if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff)
        return `--seed must be a whole number from 0 to 4294967295 (got "${value}")`;
      else args.seed = Number(value);
    } else if (arg.startsWith('--')) return `unknown option "${arg}"\n${usage}`;
    else if (args.file === undefined) args.file = arg;
    else return `only one scenario file at a time (got "${args.file}" and "${arg}")`;
  }
  if (args.file === undefined) return `which scenario? ${usage}`;
  return args as RunArgs;
}

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  if ('help' in args) {
    console.log(args.help);
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${args.file}: ${(error as Error).message}`);
    return 2;
  }
  const scenario = parseScenarioText(text);
  if (isKvError(scenario)) {
    console.error(`${args.file}: ${scenario.message}`);
    const problems = scenarioProblems(scenario);
    if (problems.length > 1) for (const problem of problems) console.error(`  - ${problem}`);
    return 2;
  }
  const report = runScenario(scenario, {
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    scenarioPath: args.file,
    wallClock: () => performance.now(),
  });
  if (isKvError(report)) {
    console.error(`${args.file}: ${report.message}`);
    return 2;
  }
  const out = args.out ?? join('reports', `${report.name}-seed${report.seed}.json`);
  const unwritten = writeReport(out, serializeReport(report));
  console.log(summarizeReport(report));
  if (unwritten) {
    console.error(`cannot write the report to ${out}: ${unwritten}`);
    return 2;
  }
  console.log(`report: ${out}`);
  return report.valid ? 0 : 1;
}

/** Writes the report, making its folder; the reason it could not, or null. */
function writeReport(out: string, text: string): string | null {
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

// Printed into a reader that stops early (`kvscope run … | head`): the closed pipe ends the printing,
// not the command with a stack trace. The report file is written before anything is printed.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = main(process.argv.slice(2));
