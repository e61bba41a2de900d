/**
 * Ring lookups per second (issue 4 §8): the preference list of a key — hash its UTF-8, binary-search
 * the sorted token positions, take the cached clockwise walk — for 5 and 16 nodes × 8 virtual
 * nodes, N = 3. Peer: a linear scan over the tokens with the walk done per lookup, the textbook
 * implementation. Both hash the same keys, so the ratio is the lookup structure alone.
 *
 * Run: `npm run bench:ring`. Figures: bench/results/ring.json.
 */

import { performance } from 'node:perf_hooks';
import {
  buildRing,
  keyPosition,
  type NodeId,
  nodeIds,
  preferenceList,
  type Ring,
  virtualNodesDefault,
} from '../../src/index.ts';
import { type Measure, median, reportResults } from './results.ts';

const replicas = 3;
const keys = Array.from({ length: 10_000 }, (_, i) => `user:${(i * 7919) % 100_003}`);

/** The peer: scan every token for the first at or after the key, then walk, skipping chosen nodes. */
function linearScanPreferenceList(ring: Ring, key: string, n: number): NodeId[] {
  const p = keyPosition(key);
  const tokens = ring.tokens;
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if ((tokens[i] as { position: number }).position >= p) {
      start = i;
      break;
    }
  }
  const chosen: NodeId[] = [];
  for (let s = 0; s < tokens.length && chosen.length < n; s++) {
    const owner = (tokens[(start + s) % tokens.length] as { node: NodeId }).node;
    if (!chosen.includes(owner)) chosen.push(owner);
  }
  return chosen;
}

/** Lookups per second: the median of several timed rounds over all keys (after a warm-up). */
function lookupsPerSecond(lookup: (key: string) => unknown): number {
  let sink = 0;
  const round = () => {
    const started = performance.now();
    let done = 0;
    while (performance.now() - started < 200) {
      for (const key of keys) if (lookup(key)) sink++;
      done += keys.length;
    }
    return done / ((performance.now() - started) / 1000);
  };
  round(); // warm-up: JIT and the ring's walk cache
  const rates = Array.from({ length: 5 }, round);
  if (sink < 0) console.log(sink); // keeps the lookups observable
  return median(rates);
}

const measures: Record<string, Measure> = {};
for (const count of [5, 16]) {
  const ring = buildRing(nodeIds(count).map((id) => ({ id })));
  const ours = lookupsPerSecond((key) => preferenceList(ring, key, replicas).nodes);
  const peer = lookupsPerSecond((key) => linearScanPreferenceList(ring, key, replicas));
  measures[`preference list, ${count} nodes × ${virtualNodesDefault} vnodes, N=${replicas}`] = {
    ours,
    peer,
    peerName: 'linear scan',
    unit: 'lookups/s',
    better: 'higher',
  };
}
reportResults('ring', measures);
