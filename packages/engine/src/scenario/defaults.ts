/**
 * The defaults a scenario file may leave out. The cluster defaults are SPEC §2's default cluster
 * (5 nodes, N=3, R=W=2, 8 virtual nodes per node, siblings, sloppy quorum, gossip detection, one
 * data centre); the workload defaults are a gentle background load a classroom can watch.
 * Protocol timers are deliberately not defaulted here: an absent timer means the owning module's
 * default from constants.ts.
 */

import { virtualNodesDefault } from '../constants.ts';
import type { LatencyDistribution } from '../simulation/network.ts';
import { defaultLinkConfig } from '../simulation/network.ts';
import type { OperationMix } from './types.ts';

export const scenarioDefaults = {
  seed: 1,
  description: '',
  nodeCount: 5,
  nodePrefix: 'n',
  dataCentre: 'dc1',
  weight: 1,
  virtualNodes: virtualNodesDefault,
  n: 3,
  r: 2,
  w: 2,
  detector: 'gossip',
  conflictMode: 'siblings',
  quorum: 'sloppy',
  /** Keeps monotonic reads under strict quorums (replication/readRepair.ts). */
  readRepair: 'before-reply',
  latency: defaultLinkConfig.latency,
  /** Between data centres: tens of milliseconds, an order of magnitude above a LAN hop. */
  interDcLatency: { kind: 'exponential', meanMs: 30, minMs: 20 } as LatencyDistribution,
  clients: 4,
  ratePerSecond: 100,
  durationMs: 60_000,
  settleMs: 10_000,
  mix: { get: 0.5, put: 0.45, delete: 0.05 } as OperationMix,
  keys: 100,
  keyDistribution: 'uniform',
  valueBytes: 64,
  setClients: 5,
  setKey: 'set',
  setElements: 2_000,
  /** Slow and lossy links are symmetric unless a file says otherwise. */
  linkBothWays: true,
  killMode: 'process',
  dcOutageMode: 'partition',
} as const;
