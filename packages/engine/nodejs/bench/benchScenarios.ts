/**
 * The simulation benchmark's scenarios (issue 4 §8), shared by the benchmark and the CPU-time tool:
 * the kv workload (5 nodes, N=3, R=W=2, strict, 10 clients, 1,000 keys, half gets, 5 simulated s)
 * and the Jepsen set workload (2,000 adds, with a partition from 5 s to 15 s).
 */

export const benchKvScenario = {
  name: 'bench-kv',
  cluster: { nodes: 5, n: 3, r: 2, w: 2, quorum: 'strict' },
  workload: {
    kind: 'kv',
    clients: 10,
    keys: 1_000,
    mix: { get: 0.5, put: 0.5, delete: 0 },
    ratePerSecond: 1_000,
    durationMs: 5_000,
    settleMs: 500,
  },
};
export const benchSetScenario = {
  name: 'bench-set',
  cluster: { nodes: 5, n: 3, r: 2, w: 2 },
  workload: {
    kind: 'set',
    clients: 5,
    elements: 2_000,
    ratePerSecond: 105,
    durationMs: 20_000,
    settleMs: 5_000,
  },
  faults: [
    {
      atMs: 5_000,
      type: 'partition',
      groups: [
        ['n1', 'n2'],
        ['n3', 'n4', 'n5'],
      ],
    },
    { atMs: 15_000, type: 'heal' },
  ],
};
