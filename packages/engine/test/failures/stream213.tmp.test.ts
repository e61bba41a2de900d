import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import { createKvNode } from '../../src/node/kvNode.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import { promisedViolations } from './kvFailureHarness.ts';

type F = Record<string, unknown> & { atMs: number; type: string };
const all = ['n1', 'n2', 'n3', 'n4', 'n5'];
const applies: [number, 'sloppy' | 'strict'][] = [[267, 'sloppy'], [10898, 'sloppy'], [11289, 'sloppy'], [11936, 'strict'], [12321, 'sloppy']];
const clicks: F[] = [
  { atMs: 673, type: 'decommission', node: 'n3' },
  { atMs: 957, type: 'heal' },
  { atMs: 1345, type: 'kill', node: 'n1', mode: 'process' },
  { atMs: 1810, type: 'loss', from: ['n4'], to: ['n2'], probability: 0.3, bothWays: true },
  { atMs: 2714, type: 'kill', node: 'n4', mode: 'process' },
  { atMs: 3295, type: 'heal' },
  { atMs: 3738, type: 'wipe', node: 'n5' },
  { atMs: 4104, type: 'loss', from: ['n5'], to: ['n4'], probability: 0.3, bothWays: true },
  { atMs: 4291, type: 'restart', node: 'n4' },
  { atMs: 4589, type: 'heal' },
  { atMs: 4925, type: 'pause', node: 'n2' },
  { atMs: 6004, type: 'pause', node: 'n5' },
  { atMs: 6278, type: 'partition', groups: [['n1', 'n2'], ['n4', 'n5'], ['n3']] },
  { atMs: 7085, type: 'heal' },
  { atMs: 7086, type: 'resume', node: 'n2' },
  { atMs: 7087, type: 'resume', node: 'n5' },
  { atMs: 7638, type: 'pause', node: 'n5' },
  { atMs: 7778, type: 'kill', node: 'n5', mode: 'process' },
  { atMs: 8021, type: 'kill', node: 'n2', mode: 'process' },
  { atMs: 8286, type: 'partition', groups: [['n2', 'n4'], ['n1', 'n5'], ['n3']] },
  { atMs: 9387, type: 'heal' },
  { atMs: 12905, type: 'partition', groups: [['n1', 'n2'], ['n4', 'n5'], ['n3']] },
  { atMs: 13003, type: 'decommission', node: 'n2' },
  { atMs: 13407, type: 'slow', from: ['n5'], to: ['n2'], latency: { kind: 'constant', ms: 300 }, bothWays: true },
  { atMs: 13936, type: 'partition', groups: [['n2', 'n4'], ['n1', 'n5'], ['n3']] },
  { atMs: 15003, type: 'cut', from: ['n1'], to: ['n5'] },
  { atMs: 15704, type: 'cut', from: ['n5'], to: ['n1'] },
  { atMs: 16586, type: 'kill', node: 'n4', mode: 'process' },
  { atMs: 17071, type: 'partition', groups: [['n4', 'n5'], ['n1', 'n2'], ['n3']] },
  { atMs: 18087, type: 'pause', node: 'n1' },
  { atMs: 19513, type: 'pause', node: 'n5' },
  { atMs: 19703, type: 'heal' },
  { atMs: 19704, type: 'resume', node: 'n1' },
  { atMs: 19705, type: 'resume', node: 'n5' },
  { atMs: 20052, type: 'partition', groups: [['n1', 'n2', 'n5'], ['n4'], ['n3']] },
  { atMs: 20603, type: 'slow', from: ['n2'], to: ['n1'], latency: { kind: 'constant', ms: 300 }, bothWays: true },
  { atMs: 21104, type: 'partition', groups: [['n2'], ['n1', 'n4', 'n5'], ['n3']] },
  { atMs: 23705, type: 'partition', groups: [['n1', 'n4'], ['n2', 'n5'], ['n3']] },
  { atMs: 24669, type: 'partition', groups: [['n2', 'n4', 'n5'], ['n1'], ['n3']] },
  { atMs: 25552, type: 'cut', from: ['n4'], to: ['n2'] },
  { atMs: 26002, type: 'kill', node: 'n2', mode: 'process' },
  { atMs: 29785, type: 'loss', from: ['n1'], to: ['n2'], probability: 0.3, bothWays: true },
  { atMs: 30054, type: 'heal' },
  { atMs: 30061, type: 'restart', node: 'n2' },
  { atMs: 30194, type: 'restart', node: 'n4' },
];

/** Apply: every node that is down or paused is stopped and started; n3 is gone after its decommission. */
function withApplies(): F[] {
  const faults: F[] = [];
  const state = new Map(all.map((n) => [n, 'up']));
  const events = [...clicks.map((c) => ({ at: c.atMs, c })), ...applies.map(([at]) => ({ at, c: null as F | null }))].sort((a, b) => a.at - b.at);
  for (const { at, c } of events) {
    if (c) {
      faults.push(c);
      const node = c.node as string;
      if (c.type === 'kill') state.set(node, 'down');
      if (c.type === 'restart' || c.type === 'resume') state.set(node, 'up');
      if (c.type === 'pause') state.set(node, 'paused');
      if (c.type === 'decommission' && node === 'n3') state.set('n3', 'gone');
      continue;
    }
    for (const [node, s] of state) {
      if (s === 'gone') continue;
      if (s === 'paused') faults.push({ atMs: at, type: 'resume', node });
      if (s !== 'down') faults.push({ atMs: at, type: 'kill', node, mode: 'process' });
      faults.push({ atMs: at + 20, type: 'restart', node });
      state.set(node, 'up');
    }
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

const from = Number(process.env.FROM ?? 1);
const count = Number(process.env.COUNT ?? 20);
describe('monkey stream 213 in the simulator', () => {
  for (let seed = from; seed < from + count; seed++)
    it(`seed ${seed}`, () => {
      const file = {
        name: `stream213-${seed}`,
        seed,
        cluster: {
          nodes: all.map((id) => ({ id })), n: 3, r: 2, w: 2, quorum: 'sloppy', readRepair: 'before-reply',
          timeouts: { requestMs: 200, gossipIntervalMs: 1000, failMs: 5000, cleanupMs: 30000 },
        },
        workload: { kind: 'kv', clients: 50, ratePerSecond: 100, durationMs: 34_000, settleMs: 10_000, keys: 30, mix: { get: 0.5, put: 0.5, delete: 0 }, keyDistribution: 'uniform', valueBytes: 16 },
        faults: withApplies(),
      };
      const scenario = parseScenario(file);
      if (isKvError(scenario)) throw scenario;
      let now = 0;
      const modeAt = (t: number) => { let m = 'sloppy'; for (const [at, q] of applies) if (at <= t) m = q; return m; };
      const report = runScenario(scenario, {
        seed,
        onEvent: (e) => { now = Math.max(now, e.at); },
        createNode: (env) => createKvNode({ ...env, config: { ...env.config, quorum: modeAt(now) } }),
      });
      if (isKvError(report)) throw report;
      const v = promisedViolations(report);
      if (v.length) console.log(`seed ${seed}`, v.slice(0, 3), report.faults.filter((f) => /skip|wait|refus/.test(JSON.stringify(f))).slice(0, 5));
      expect(v).toEqual([]);
    });
});
