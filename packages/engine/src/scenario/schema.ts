/**
 * The JSON Schema of scenario files (draft-07), kept as a TypeScript value so the engine needs no
 * file access. It is the single source of the file's *shape*: the validator compiles this object,
 * and `public/scenarios/scenario.schema.json` is this object written out (a test in
 * packages/engine/nodejs/scenario/ fails if the published file drifts; `npx tsx
 * packages/engine/nodejs/scenario/writeScenarioSchema.ts` rewrites it). Rules that relate fields
 * (R ≤ N, known node names, fault times) cannot be said in JSON Schema well; they live in rules.ts.
 *
 * The schema describes the file a person writes, so most fields are optional; `defaults.ts` fills
 * them in after validation.
 */

import {
  compactionStrategies,
  compressionModes,
  conflictModes,
  consistencyLevels,
  failureDetectors,
  quorumModes,
  readRepairModes,
} from './types.ts';

const positiveInteger = { type: 'integer', minimum: 1 } as const;
const milliseconds = { type: 'number', minimum: 0 } as const;
const probability = { type: 'number', minimum: 0, maximum: 1 } as const;
const name = { type: 'string', minLength: 1, maxLength: 64 } as const;
const nodeRef = { type: 'string', minLength: 1, description: 'a node id declared in cluster.nodes' } as const;
const nodeRefs = {
  type: ['string', 'array'],
  minLength: 1,
  items: nodeRef,
  minItems: 1,
  description: 'one node id or a list of them',
} as const;

const nodeGroup = { type: 'array', minItems: 1, items: nodeRef, description: 'a list of node ids' } as const;

const consistencyLevel = {
  anyOf: [{ type: 'integer', minimum: 1 }, { enum: [...consistencyLevels] }],
  description: `a replica count ≥ 1 or one of ${consistencyLevels.join(', ')}`,
} as const;

function closed(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, required, properties } as const;
}

const latency = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    closed({ kind: { const: 'constant' }, ms: milliseconds }, ['kind', 'ms']),
    closed({ kind: { const: 'uniform' }, minMs: milliseconds, maxMs: milliseconds }, [
      'kind',
      'minMs',
      'maxMs',
    ]),
    closed({ kind: { const: 'exponential' }, meanMs: milliseconds, minMs: milliseconds }, ['kind', 'meanMs']),
  ],
} as const;

const nodeSpec = closed(
  {
    id: name,
    dataCentre: name,
    weight: { type: 'number', exclusiveMinimum: 0, maximum: 16 },
    joining: { type: 'boolean', description: 'not started with the cluster; a join fault adds it' },
  },
  ['id'],
);

const cluster = closed({
  nodes: {
    type: ['integer', 'array'],
    minimum: 1,
    maximum: 64,
    items: nodeSpec,
    minItems: 1,
    maxItems: 64,
    description: 'a node count (named n1, n2, …) or a list of nodes',
  },
  virtualNodes: { type: 'integer', minimum: 1, maximum: 256 },
  n: positiveInteger,
  r: consistencyLevel,
  w: consistencyLevel,
  replicationPerDc: { type: 'object', additionalProperties: positiveInteger, minProperties: 1 },
  detector: { enum: [...failureDetectors] },
  conflictMode: { enum: [...conflictModes] },
  quorum: { enum: [...quorumModes] },
  readRepair: {
    enum: [...readRepairModes],
    description:
      'before-reply: a read writes its result back to stale replicas before answering (monotonic reads); after-reply: it answers at once and repairs afterwards',
  },
  clockEntriesMax: positiveInteger,
  latency,
  interDcLatency: latency,
  autoscaler: closed(
    {
      highLoadPerNode: { type: 'number', exclusiveMinimum: 0 },
      lowLoadPerNode: { type: 'number', minimum: 0 },
      minNodes: positiveInteger,
      maxNodes: { type: 'integer', minimum: 1, maximum: 64 },
      sustainMs: milliseconds,
      coolDownMs: milliseconds,
      intervalMs: { type: 'number', exclusiveMinimum: 0 },
    },
    ['highLoadPerNode', 'lowLoadPerNode', 'minNodes', 'maxNodes'],
  ),
  storage: closed({
    memtableBytes: {
      type: 'integer',
      minimum: 256,
      maximum: 64 * 1024 * 1024,
      description: 'flush the memtable to a table once it holds this many bytes (default 4 MiB)',
    },
    compaction: { enum: [...compactionStrategies] },
    compression: { enum: [...compressionModes] },
    blockCacheBytes: {
      type: 'integer',
      minimum: 0,
      maximum: 256 * 1024 * 1024,
      description: 'the block cache of each node (default 8 MiB); 0 reads every block from its file',
    },
    scrubIntervalMs: {
      type: 'integer',
      minimum: 0,
      maximum: 3_600_000,
      description:
        'every this many ms each node re-reads 16 table blocks from its files and verifies them (default 1000); 0 never scrubs',
    },
  }),
  timeouts: closed({
    requestMs: milliseconds,
    readRepairMs: milliseconds,
    gossipIntervalMs: milliseconds,
    failMs: milliseconds,
    cleanupMs: milliseconds,
    hintWindowMs: milliseconds,
    antiEntropyIntervalMs: milliseconds,
  }),
});

const workloadCommon = {
  clients: { type: 'integer', minimum: 1, maximum: 1_000 },
  ratePerSecond: { type: 'number', exclusiveMinimum: 0 },
  durationMs: { type: 'number', exclusiveMinimum: 0 },
  settleMs: milliseconds,
  r: consistencyLevel,
  w: consistencyLevel,
} as const;

const workload = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    closed(
      {
        kind: { const: 'kv' },
        ...workloadCommon,
        mix: closed({ get: milliseconds, put: milliseconds, delete: milliseconds }),
        keys: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        keyDistribution: { enum: ['uniform', 'zipf'] },
        valueBytes: { type: 'integer', minimum: 0 },
      },
      ['kind'],
    ),
    closed(
      {
        kind: { const: 'set' },
        ...workloadCommon,
        key: { type: 'string', minLength: 1 },
        elements: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        finalReadR: consistencyLevel,
      },
      ['kind'],
    ),
  ],
} as const;

const links = { from: nodeRefs, to: nodeRefs, bothWays: { type: 'boolean' } } as const;

function fault(type: string, properties: Record<string, unknown>, required: string[]) {
  return closed({ atMs: milliseconds, type: { const: type }, ...properties }, ['atMs', 'type', ...required]);
}

const faultEvent = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    fault('partition', { groups: { type: 'array', minItems: 1, items: nodeGroup } }, ['groups']),
    fault('cut', { from: nodeRefs, to: nodeRefs }, ['from', 'to']),
    fault('heal', {}, []),
    fault('kill', { node: nodeRef, mode: { enum: ['process', 'power'] } }, ['node']),
    fault('restart', { node: nodeRef }, ['node']),
    fault('pause', { node: nodeRef }, ['node']),
    fault('resume', { node: nodeRef }, ['node']),
    fault('slow', { ...links, latency }, ['from', 'to', 'latency']),
    fault('loss', { ...links, probability, duplicate: probability, reorder: probability }, [
      'from',
      'to',
      'probability',
    ]),
    fault('wipe', { node: nodeRef }, ['node']),
    fault('corrupt', { node: nodeRef }, ['node']),
    fault('dc-outage', { dc: name, mode: { enum: ['partition', 'power'] } }, ['dc']),
    fault('dc-restore', { dc: name }, ['dc']),
    fault('skew', { node: nodeRef, ms: { type: 'number' } }, ['node', 'ms']),
    fault('join', { node: nodeRef }, ['node']),
    fault('cancel-join', { node: nodeRef }, ['node']),
    fault('decommission', { node: nodeRef, force: { type: 'boolean' } }, ['node']),
  ],
} as const;

/** The published schema (draft-07). `JSON.stringify(scenarioSchema, null, 2)` is the file. */
export const scenarioSchema = JSON.parse(
  JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kvscope.dev/scenarios/scenario.schema.json',
    title: 'kvscope scenario',
    description:
      'A cluster, a workload, a timed fault schedule and a seed, run by `npx kvscope run` and the lab (SPEC §3).',
    ...closed(
      {
        $schema: { type: 'string' },
        name,
        description: { type: 'string' },
        seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
        cluster,
        workload,
        faults: { type: 'array', items: faultEvent, maxItems: 10_000 },
      },
      ['name'],
    ),
  }),
) as Record<string, unknown>;
