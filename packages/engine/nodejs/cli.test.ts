/**
 * The `kvscope` command as a user runs it (issue 4's "done when"): a shipped scenario with a seed
 * writes a report whose history is byte-identical on a second run; an invalid scenario file exits
 * with 2 and a sentence naming the field; a reader that closes the pipe early gets no stack trace;
 * the command's bundle of the TypeScript sources is reused while they are unchanged, and rebuilt
 * when one changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./bin/kvscope.mjs', import.meta.url));
const scenario = fileURLToPath(new URL('../../../public/scenarios/quorum-basics.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kvscope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kvscope(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('kvscope run', () => {
  it('writes a report, and the same seed gives a byte-identical history', () => {
    const outs = ['a.json', 'b.json'].map((name) => join(dir, name));
    for (const out of outs) {
      const run = kvscope('run', scenario, '--seed', '1', '--out', out);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('seed 1');
      expect(run.stdout).toContain(`report: ${out}`);
    }
    const [a, b] = outs.map((out) => JSON.parse(readFileSync(out, 'utf8')));
    expect(a.history.length).toBeGreaterThan(0);
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
    expect(a.traceHash).toBe(b.traceHash);
  });

  it('refuses an invalid scenario with exit code 2 and a sentence naming the field', () => {
    const bad = join(dir, 'bad.json');
    const workload = { kind: 'kv', clients: 1, keys: 1, ratePerSecond: 1, durationMs: 1 };
    writeFileSync(bad, JSON.stringify({ name: 'bad', cluster: { nodes: 5, n: 3, r: 4, w: 2 }, workload }));
    const run = kvscope('run', bad);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/KV_INVALID_SCENARIO: cluster\.r: must be ≤ cluster\.n/);
  });

  it('prints its usage when asked, and refuses an unknown command or option with it', () => {
    for (const args of [['--help'], ['-h'], ['help'], ['run', '--help']]) {
      const run = kvscope(...args);
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout).toContain('usage: kvscope run <scenario.json>');
    }
    const unknown = kvscope('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command "frobnicate"\nusage: kvscope run/);
    const option = kvscope('run', scenario, '--frobnicate');
    expect(option.status).toBe(2);
    expect(option.stderr).toMatch(/^unknown option "--frobnicate"/);
  });

  it('says so, with exit code 2 and no stack trace, when the report cannot be written', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const run = kvscope('run', scenario, '--seed', '1', '--out', join(blocker, 'report.json'));
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('seed 1');
    expect(run.stderr).toMatch(/^cannot write the report to .*a-file\/report\.json: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const out = join(dir, 'piped.json');
    const shell = `node '${cli}' run '${scenario}' --seed 1 --out '${out}' | head -c 10`;
    const run = spawnSync('sh', ['-c', shell], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(JSON.parse(readFileSync(out, 'utf8')).seed).toBe(1);
  });
});

describe('the kvscope bundle', () => {
  const cache = join(dir, 'cache');
  const inputsFile = join(cache, 'inputs.json');
  const bundleFile = join(cache, 'cli.mjs');
  const help = () =>
    spawnSync(process.execPath, [cli, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, KVSCOPE_CLI_CACHE: cache },
    });
  type Inputs = { entry: string; inputs: [string, number, number][] };
  const inputs = (): Inputs => JSON.parse(readFileSync(inputsFile, 'utf8'));

  it('is built once with the list of its inputs, and reused while they are unchanged', () => {
    expect(help().stdout).toContain('usage: kvscope run');
    const files = inputs().inputs.map(([file]) => file);
    expect(files).toContain(fileURLToPath(new URL('./cli.ts', import.meta.url)));
    expect(files).toContain(fileURLToPath(new URL('../src/scenario/runScenario.ts', import.meta.url)));
    const builtAt = statSync(bundleFile).mtimeMs;
    expect(help().stdout).toContain('usage: kvscope run');
    expect(statSync(bundleFile).mtimeMs).toBe(builtAt);
  });

  it('is rebuilt when an input changed since', () => {
    const saved = inputs();
    const builtAt = statSync(bundleFile).mtimeMs;
    const stale = structuredClone(saved);
    (stale.inputs[0] as [string, number, number])[1] += 1; // as if that file had grown
    writeFileSync(inputsFile, JSON.stringify(stale));
    expect(help().stdout).toContain('usage: kvscope run');
    expect(inputs()).toEqual(saved);
    expect(statSync(bundleFile).mtimeMs).toBeGreaterThan(builtAt);
  });
});
