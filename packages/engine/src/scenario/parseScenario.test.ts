import { describe, expect, it } from 'vitest';
import { isKvError, type KvError } from '../errors.ts';
import { parseScenario, parseScenarioText, scenarioProblems } from './parseScenario.ts';
import type { Scenario } from './types.ts';

function parsed(json: unknown): Scenario {
  const result = parseScenario(json);
  if (isKvError(result)) throw result;
  return result;
}

function rejected(json: unknown): KvError {
  const result = parseScenario(json);
  if (!isKvError(result)) throw new Error(`expected KV_INVALID_SCENARIO for ${JSON.stringify(json)}`);
  expect(result.code).toBe('KV_INVALID_SCENARIO');
  return result;
}

describe('parseScenario: defaults', () => {
  it('fills in the default cluster of SPEC §2 and a kv workload', () => {
    const scenario = parsed({ name: 'minimal' });
    expect(scenario.cluster.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(scenario.cluster).toMatchObject({
      dataCentres: ['dc1'],
      virtualNodes: 8,
      n: 3,
      r: 2,
      w: 2,
      detector: 'gossip',
      conflictMode: 'siblings',
      quorum: 'sloppy',
      readRepair: 'before-reply',
    });
    expect(scenario.workload.kind).toBe('kv');
    expect(scenario.faults).toEqual([]);
    expect(scenario.seed).toBe(1);
  });

  it('keeps storage settings as given and leaves the rest to the storage defaults', () => {
    expect(parsed({ name: 'minimal' }).cluster.storage).toEqual({});
    const storage = { memtableBytes: 2_048, compaction: 'leveled', compression: 'none' };
    expect(parsed({ name: 'small memtable', cluster: { storage } }).cluster.storage).toEqual(storage);
  });

  it('takes N from the per-DC replication and the final read R of a set test from N', () => {
    const scenario = parsed({
      name: 'dcs',
      cluster: {
        nodes: [
          { id: 'a', dataCentre: 'west' },
          { id: 'b', dataCentre: 'east', weight: 2 },
        ],
        replicationPerDc: { west: 1, east: 1 },
      },
      workload: { kind: 'set' },
    });
    expect(scenario.cluster.n).toBe(2);
    expect(scenario.cluster.dataCentres).toEqual(['west', 'east']);
    expect(scenario.cluster.nodes[1]).toEqual({ id: 'b', dataCentre: 'east', weight: 2 });
    expect(scenario.workload).toMatchObject({ kind: 'set', elements: 2000, finalReadR: 2 });
  });

  it('sorts faults by time, keeping file order for ties, and widens single node ids to lists', () => {
    const scenario = parsed({
      name: 'faults',
      faults: [
        { atMs: 5000, type: 'heal' },
        { atMs: 1000, type: 'cut', from: 'n1', to: ['n2', 'n3'] },
        { atMs: 1000, type: 'kill', node: 'n4' },
      ],
    });
    expect(scenario.faults.map((f) => f.type)).toEqual(['cut', 'kill', 'heal']);
    expect(scenario.faults[0]).toEqual({ atMs: 1000, type: 'cut', from: ['n1'], to: ['n2', 'n3'] });
    expect(scenario.faults[1]).toEqual({ atMs: 1000, type: 'kill', node: 'n4', mode: 'process' });
  });

  it('lets faults hit a node while it hands its ranges over (a saved lab session pauses a leaver)', () => {
    const faults = [
      { atMs: 1000, type: 'decommission', node: 'n2' },
      { atMs: 1500, type: 'pause', node: 'n2' },
      { atMs: 2000, type: 'resume', node: 'n2' },
    ];
    expect(parsed({ name: 'leaver', cluster: { nodes: 5 }, faults }).faults).toHaveLength(3);
  });

  it('accepts overlapping partition groups (a bridge)', () => {
    const bridge = [
      ['n1', 'n2', 'n3'],
      ['n3', 'n4', 'n5'],
    ];
    expect(
      parsed({ name: 'bridge', faults: [{ atMs: 0, type: 'partition', groups: bridge }] }).faults,
    ).toHaveLength(1);
  });
});

/** Each invalid file, and the start of the sentence that must name its field. */
const invalidFiles: [string, unknown, string][] = [
  ['not an object', 42, 'scenario: must be an object'],
  ['no name', {}, 'name: is required'],
  ['unknown top-level field', { name: 'x', nodes: 5 }, 'nodes: is not a known field'],
  ['nodes as text', { name: 'x', cluster: { nodes: 'five' } }, 'cluster.nodes: must be a node count'],
  ['r above n', { name: 'x', cluster: { r: 4, n: 3 } }, 'cluster.r: must be ≤ cluster.n (got r=4, n=3)'],
  ['w above n', { name: 'x', cluster: { w: 5 } }, 'cluster.w: must be ≤ cluster.n (got w=5, n=3)'],
  ['r of zero', { name: 'x', cluster: { r: 0 } }, 'cluster.r: must be a replica count ≥ 1'],
  [
    'unknown level',
    { name: 'x', cluster: { w: 'MOST' } },
    'cluster.w: must be a replica count ≥ 1 or one of ONE',
  ],
  ['unknown detector', { name: 'x', cluster: { detector: 'oracle' } }, 'cluster.detector: must be one of'],
  [
    'unknown read-repair mode',
    { name: 'x', cluster: { readRepair: 'never' } },
    'cluster.readRepair: must be one of "before-reply", "after-reply" (got "never")',
  ],
  [
    'bad latency kind',
    { name: 'x', cluster: { latency: { kind: 'normal' } } },
    'cluster.latency.kind: must be one of',
  ],
  [
    'duplicate node id',
    { name: 'x', cluster: { nodes: [{ id: 'a' }, { id: 'a' }], n: 2, r: 1, w: 1 } },
    'cluster.nodes[1].id: "a" is used by an earlier node',
  ],
  [
    'zero weight',
    { name: 'x', cluster: { nodes: [{ id: 'a', weight: 0 }] } },
    'cluster.nodes[0].weight: must be > 0',
  ],
  [
    'per-DC replication naming an unknown DC',
    { name: 'x', cluster: { replicationPerDc: { mars: 3 } } },
    'cluster.replicationPerDc.mars: no node is in data centre "mars"',
  ],
  [
    'n disagreeing with per-DC replication',
    { name: 'x', cluster: { n: 3, replicationPerDc: { dc1: 2 } } },
    'cluster.n: must equal the sum of cluster.replicationPerDc (got n=3, sum=2)',
  ],
  [
    'memtable too small',
    { name: 'x', cluster: { storage: { memtableBytes: 10 } } },
    'cluster.storage.memtableBytes: must be ≥ 256',
  ],
  [
    'unknown compaction strategy',
    { name: 'x', cluster: { storage: { compaction: 'lazy' } } },
    'cluster.storage.compaction: must be one of "size-tiered", "leveled" (got "lazy")',
  ],
  ['per-request r above n', { name: 'x', workload: { kind: 'kv', r: 9 } }, 'workload.r: must be ≤ cluster.n'],
  [
    'unknown workload kind',
    { name: 'x', workload: { kind: 'queue' } },
    'workload.kind: must be one of kv, set',
  ],
  [
    'kv field on a set workload',
    { name: 'x', workload: { kind: 'set', mix: {} } },
    'workload.mix: is not a known',
  ],
  [
    'all-zero mix',
    { name: 'x', workload: { kind: 'kv', mix: { get: 0, put: 0, delete: 0 } } },
    'workload.mix: the weights',
  ],
  [
    'oversize values',
    { name: 'x', workload: { kind: 'kv', valueBytes: 10_240 } },
    'workload.valueBytes: key+value',
  ],
  [
    'unknown fault type',
    { name: 'x', faults: [{ atMs: 0, type: 'meteor' }] },
    'faults[0].type: must be one of',
  ],
  ['fault without time', { name: 'x', faults: [{ type: 'heal' }] }, 'faults[0].atMs: is required'],
  [
    'kill of an unknown node',
    { name: 'x', faults: [{ atMs: 0, type: 'kill', node: 'n9' }] },
    'faults[0].node: "n9" is not a node',
  ],
  [
    'group naming an unknown node',
    {
      name: 'x',
      faults: [
        {
          atMs: 0,
          type: 'partition',
          groups: [
            ['n1', 'n2', 'nx'],
            ['n3', 'n4', 'n5'],
          ],
        },
      ],
    },
    'faults[0].groups[0]: "nx" is not a node',
  ],
  [
    'partition forgetting a node',
    {
      name: 'x',
      faults: [
        {
          atMs: 0,
          type: 'partition',
          groups: [
            ['n1', 'n2'],
            ['n3', 'n4'],
          ],
        },
      ],
    },
    'faults[0].groups: every node must be in some group; n5 is in none',
  ],
  [
    'fault after the workload',
    { name: 'x', workload: { kind: 'kv', durationMs: 1000 }, faults: [{ atMs: 2000, type: 'heal' }] },
    "faults[0].atMs: must be within the workload's duration, 0–1000 ms (got 2000)",
  ],
  [
    'restart of a running node',
    { name: 'x', faults: [{ atMs: 10, type: 'restart', node: 'n2' }] },
    'faults[0]: restart n2 at 10 ms, but n2 is up then (kill it first)',
  ],
  [
    'resume before pause (times, not file order, decide)',
    {
      name: 'x',
      faults: [
        { atMs: 20, type: 'pause', node: 'n1' },
        { atMs: 10, type: 'resume', node: 'n1' },
      ],
    },
    'faults[1]: resume n1 at 10 ms, but n1 is up then (pause it first)',
  ],
  [
    'a second decommission of one node',
    {
      name: 'x',
      cluster: { nodes: 5 },
      faults: [
        { atMs: 10, type: 'decommission', node: 'n2' },
        { atMs: 20, type: 'decommission', node: 'n2' },
      ],
    },
    'faults[1]: decommission n2 at 20 ms, but n2 was decommissioned already',
  ],
  [
    'a join cancelled before it was made',
    {
      name: 'x',
      cluster: { nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }, { id: 'n4', joining: true }] },
      faults: [{ atMs: 10, type: 'cancel-join', node: 'n4' }],
    },
    'faults[0]: cancel-join n4 at 10 ms, but n4 has no join before it',
  ],
  [
    'restore of a data centre that is not out',
    { name: 'x', faults: [{ atMs: 0, type: 'dc-restore', dc: 'dc1' }] },
    'faults[0]: dc-restore dc1 at 0 ms, but dc1 is not out then',
  ],
  [
    'outage of an unknown DC',
    { name: 'x', faults: [{ atMs: 0, type: 'dc-outage', dc: 'moon' }] },
    'faults[0].dc: "moon"',
  ],
  [
    'loss probability above 1',
    { name: 'x', faults: [{ atMs: 0, type: 'loss', from: 'n1', to: 'n2', probability: 2 }] },
    'faults[0].probability: must be ≤ 1',
  ],
];

describe('parseScenario: invalid files name the field and what was expected', () => {
  it.each(invalidFiles)('%s', (_label, json, start) => {
    const error = rejected(json);
    expect(error.sentence.startsWith(start), `"${error.sentence}" should start with "${start}"`).toBe(true);
  });

  it('lists every problem in the cause, and the first three in the sentence', () => {
    const error = rejected({ name: 'x', cluster: { r: 0, w: 0, n: 0, virtualNodes: 0 } });
    expect(scenarioProblems(error)).toHaveLength(4);
    expect(error.sentence).toMatch(/; and 1 more problem$/);
  });

  it('reports a JSON syntax error as an invalid scenario', () => {
    const error = parseScenarioText('{ "name": ');
    expect(isKvError(error) && error.code).toBe('KV_INVALID_SCENARIO');
  });
});
