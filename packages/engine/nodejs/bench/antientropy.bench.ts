/**
 * Anti-entropy traffic (issue 5 §8): two replicas of every range of a two-node ring (N = 2, eight
 * virtual nodes each, so 16 ranges of 1,024-leaf trees) hold the same keys except d of them, and
 * one node compares every range with the other. We count the messages and their encoded bytes
 * (`payloadBytes`) until both hold the same versions of every key.
 *
 * Peer — "full digest exchange": per range, one side sends every key with its version digest, the
 * other answers with its versions of the keys that differ and the keys it wants, and the first
 * sends those. Both sides pay the same for the versions that must travel; the difference is how the
 * differing keys are found. Counted with the same byte layout.
 *
 * The d differing keys are a mix: newer on one side, newer on the other, present on one side only,
 * and deleted (a tombstone) on one side; values are 64 bytes. The d = 10 row is repeated with
 * 1,000 / 10,000 / 100,000 keys to show that our bytes follow d, not the key count.
 *
 * Run: `npm run bench:antientropy`. Figures: bench/results/antientropy.json.
 */

import { performance } from 'node:perf_hooks';
import { MemoryReplica, pump, versionOf, withOutput } from '../../src/antiEntropy/testing/memoryReplica.ts';
import {
  buildRing,
  collectVersions,
  compareEntryLists,
  type MerkleVersions,
  nodeId,
  payloadBytes,
  rangeId,
  type Version,
  virtualNodesDefault,
} from '../../src/index.ts';
import { type Measure, reportResults } from './results.ts';

const n1 = nodeId('n1');
const n2 = nodeId('n2');
const ring = buildRing([{ id: n1 }, { id: n2 }], { virtualNodes: virtualNodesDefault });
const value = (i: number, tag: string) => `${tag}-${i}-`.padEnd(64, '.');

interface Traffic {
  messages: number;
  bytes: number;
}

/** Two replicas with `keys` keys, `d` of which differ. */
function replicas(keys: number, d: number): [MemoryReplica, MemoryReplica] {
  const shared: [string, Version[]][] = [];
  for (let i = 0; i < keys; i++) shared.push([`user:${i}`, [versionOf('n1', 1, value(i, 'v'))]]);
  const a = new MemoryReplica('n1', ring, 2, { intervalMs: 0 }, shared);
  const b = new MemoryReplica('n2', ring, 2, { intervalMs: 0 }, shared);
  const stride = Math.max(1, Math.floor(keys / Math.max(d, 1)));
  for (let j = 0; j < d; j++) {
    const key = `user:${(j * stride + 7) % keys}`;
    if (j % 4 === 0) a.write(key, [versionOf('n1', 2, value(j, 'a'))]);
    else if (j % 4 === 1) b.write(key, [versionOf('n2', 1, value(j, 'b'), [['n1', 1]])]);
    else if (j % 4 === 2) a.write(`new:${j}`, [versionOf('n1', 1, value(j, 'new'))]);
    else b.write(key, [versionOf('n1', 2, null)]);
  }
  return [a, b];
}

/** Ours: n1 compares every range with n2; messages are carried until every exchange has ended. */
function merkleExchange(a: MemoryReplica, b: MemoryReplica): Traffic {
  withOutput((out) => a.antiEntropy.trigger(0, out, n2));
  const result = pump([a, b]);
  return { messages: result.messages.length, bytes: result.bytes };
}

/** The peer, per range: every (key, digest) one way, the differing versions and wants back, the wanted versions. */
function fullDigestExchange(a: MemoryReplica, b: MemoryReplica): Traffic {
  let messages = 0;
  let bytes = 0;
  const send = (body: Parameters<typeof payloadBytes>[0]) => {
    messages++;
    bytes += payloadBytes(body);
  };
  for (const range of a.antiEntropy.ranges()) {
    const head = { exchange: 'n1#1', range: { start: range.start, end: range.end } };
    const ours = [...(a.antiEntropy.tree(range)?.entries() ?? [])];
    const theirs = [...(b.antiEntropy.tree(range)?.entries() ?? [])];
    send({ type: 'merkle-keys', ...head, nodes: [1], entries: ours });
    const { send: bSends, want } = compareEntryLists(theirs, ours);
    const reply: MerkleVersions = {
      type: 'merkle-versions',
      ...head,
      versions: collectVersions((k) => b.read(k), bSends, Number.POSITIVE_INFINITY).versions,
      want,
    };
    send(reply);
    if (want.length === 0) continue;
    const versions = collectVersions((k) => a.read(k), want, Number.POSITIVE_INFINITY).versions;
    send({ type: 'merkle-versions', ...head, versions, want: [] });
  }
  return { messages, bytes };
}

function sameState(a: MemoryReplica, b: MemoryReplica): boolean {
  const sa = a.state();
  const sb = b.state();
  return sa.size === sb.size && [...sa].every(([k, v]) => sb.get(k) === v);
}

interface Row {
  keys: number;
  d: number;
  ours: Traffic;
  peer: Traffic;
  ms: number;
}

function run(keys: number, d: number): Row {
  const [peerA, peerB] = replicas(keys, d);
  const peer = fullDigestExchange(peerA, peerB);
  const [a, b] = replicas(keys, d);
  const started = performance.now();
  const ours = merkleExchange(a, b);
  const ms = performance.now() - started;
  if (!sameState(a, b)) throw new Error(`keys=${keys} d=${d}: the replicas did not converge`);
  const roots = (r: MemoryReplica) =>
    r.antiEntropy.ranges().map((x) => `${rangeId(x)}:${r.antiEntropy.tree(x)?.root()}`);
  if (roots(a).join() !== roots(b).join()) throw new Error(`keys=${keys} d=${d}: roots differ after repair`);
  return { keys, d, ours, peer, ms };
}

const rows: Row[] = [];
for (const d of [0, 1, 10, 100, 1_000]) rows.push(run(10_000, d));
for (const keys of [1_000, 100_000]) rows.push(run(keys, 10));

console.log(
  `\nanti-entropy traffic, two replicas, ${ring.positions.length} ranges (N = 2, ${virtualNodesDefault} tokens per node)`,
);
console.table(
  rows.map((r) => ({
    keys: r.keys,
    d: r.d,
    'merkle bytes': r.ours.bytes,
    'merkle msgs': r.ours.messages,
    'full digest bytes': r.peer.bytes,
    'full digest msgs': r.peer.messages,
    'bytes ratio (×)': Math.round((r.peer.bytes / r.ours.bytes) * 10) / 10,
    'merkle bytes per differing key': r.d === 0 ? '—' : Math.round(r.ours.bytes / r.d),
    'exchange ms (CPU, both sides)': Math.round(r.ms),
  })),
);

const measures: Record<string, Measure> = {};
const peerName = 'full digest exchange';
for (const r of rows) {
  const suffix = r.keys === 10_000 ? `d${r.d}` : `d${r.d}_keys${r.keys}`;
  measures[`bytes_${suffix}`] = {
    ours: r.ours.bytes,
    peer: r.peer.bytes,
    peerName,
    unit: 'bytes',
    better: 'lower',
  };
  measures[`messages_${suffix}`] = {
    ours: r.ours.messages,
    peer: r.peer.messages,
    peerName,
    unit: 'messages',
    better: 'lower',
  };
}
reportResults('antientropy', measures);

const d10 = rows.find((r) => r.keys === 10_000 && r.d === 10) as Row;
const ratio = d10.peer.bytes / d10.ours.bytes;
console.log(
  `target: d = 10 at 10,000 keys with ≥ 20× fewer bytes than the full exchange → ${ratio.toFixed(1)}× ${ratio >= 20 ? 'met' : 'NOT met'}`,
);
if (ratio < 20) process.exitCode = 1;
