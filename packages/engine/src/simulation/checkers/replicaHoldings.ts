/**
 * The replicas' final state (checker.ts `ReplicaStates`) read once for the checkers that judge it:
 * P1 (lostWrites.ts) asks what all replicas hold of a key, P2 (siblingSoundness.ts) walks every
 * replica's sibling lists, P3 (convergence.ts) needs every key held anywhere. Listing each node's
 * keys is most of that work on a run with many keys, so it is done once per final state (kept while
 * the state object lives, like `operations` for a history) and shared.
 */

import type { HistorySibling } from '../history.ts';
import type { ReplicaStates } from './checker.ts';

/** What the replicas hold of one key at the end: `versions[i]` is held by node `nodes[i]`. */
export interface Held {
  nodes: string[];
  versions: HistorySibling[];
}

export interface ReplicaHoldings {
  /** The final state's nodes, in its order. */
  nodes: string[];
  /** `keysOf[i]`: the keys node `nodes[i]` holds, in its order. */
  keysOf: string[][];
  /** `listsOf[i][k]`: what node `nodes[i]` holds of key `keysOf[i][k]` (its sibling list). */
  listsOf: (readonly HistorySibling[])[][];
  /** Every key held anywhere (first by node, then by key order), with what the replicas hold of it. */
  byKey: ReadonlyMap<string, Held>;
}

const read = new WeakMap<ReplicaStates, ReplicaHoldings>();

/** The holdings of `finalState`, which the checkers never modify. */
export function holdingsOf(finalState: ReplicaStates): ReplicaHoldings {
  let holdings = read.get(finalState);
  if (holdings === undefined) {
    holdings = collect(finalState);
    read.set(finalState, holdings);
  }
  return holdings;
}

function collect(finalState: ReplicaStates): ReplicaHoldings {
  const nodes = Object.keys(finalState);
  const keysOf: string[][] = [];
  const listsOf: (readonly HistorySibling[])[][] = [];
  const byKey = new Map<string, Held>();
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    const contents = finalState[node]!;
    const keys = Object.keys(contents);
    const lists: (readonly HistorySibling[])[] = new Array(keys.length);
    keysOf.push(keys);
    listsOf.push(lists);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      let held = byKey.get(key);
      if (held === undefined) {
        held = { nodes: [], versions: [] };
        byKey.set(key, held);
      }
      const versions = contents[key]!;
      lists[k] = versions;
      for (let i = 0; i < versions.length; i++) {
        held.nodes.push(node);
        held.versions.push(versions[i]!);
      }
    }
  }
  return { nodes, keysOf, listsOf, byKey };
}
