/**
 * P3, convergence (TESTING.md T7): after the faults heal and the cluster has been quiet, every
 * key's replicas — the N nodes of its preference list — hold identical sibling sets, no node outside
 * a key's preference list keeps the key in its data (a stand-in's copy belongs in its hint store
 * and leaves with the handoff), and no hint is still waiting to be handed off.
 *
 *   key k1, preference list n2 n4 n1:   n2 {a@[n2:3]}  n4 {a@[n2:3]}  n1 {}      → diverged
 *   key k1 held by n5 (not in the list)                                       → outside-preference-list
 *   n5 still holds 3 hints                                                     → hints-left
 *
 * A replica that holds nothing for a key counts as holding the empty set, so a replica that missed
 * every write of a key is a divergence. Sibling sets are compared as sets of (value, clock), in
 * canonical JSON, independent of order.
 *
 * The property is *promised* only when the run ends healed (no node down or paused at the end): a
 * node that is down or stalled cannot converge, and the checker then only counts.
 */

import { canonicalJson, type HistorySibling, type HistoryValue } from '../history.ts';
import { type CheckerResult, type ReplicaStates, ViolationLog } from './checker.ts';
import { holdingsOf } from './replicaHoldings.ts';

export interface ConvergenceInput {
  finalState: ReplicaStates;
  /** The key's preference list (its N replicas). */
  replicasOf: (key: string) => readonly string[];
  /** Node → hints still in its hint store at the end. */
  hintsLeft: Readonly<Record<string, number>>;
  /** Nodes down or paused at the end (P3 is then not promised). */
  down: readonly string[];
}

/** A sibling set as one comparable string: each sibling's (value, clock), sorted. */
function setIdentity(siblings: readonly HistorySibling[] | undefined): string {
  const items = (siblings ?? []).map((s) => canonicalJson({ value: s.value, clock: s.clock })).sort();
  return items.join('\n');
}

/**
 * Whether every replica holds the same sibling set. Replicas usually hold the same versions in the
 * same order: that is confirmed sibling by sibling without encoding anything; any other case is
 * decided by comparing `setIdentity`s.
 */
function sameSets(lists: readonly (readonly HistorySibling[] | undefined)[]): boolean {
  const first = lists[0];
  if (lists.every((list) => sameList(first, list))) return true;
  return new Set(lists.map(setIdentity)).size <= 1;
}

/** The same siblings in the same order, each with an equal value and clock (a sure "same set"). */
function sameList(
  a: readonly HistorySibling[] | undefined,
  b: readonly HistorySibling[] | undefined,
): boolean {
  if (a === b) return true;
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  for (let i = 0; i < (a?.length ?? 0); i++) {
    const [x, y] = [a![i]!, b![i]!];
    if (x === y) continue;
    if (!surelySameValue(x.value, y.value) || !sameEntries(x.clock, y.clock)) return false;
  }
  return true;
}

/**
 * Values whose canonical JSON is surely the same: one value (equal strings included), or arrays of
 * numbers equal element by element — the set workload's values, thousands of elements long, which
 * `setIdentity` would encode on every replica.
 */
function surelySameValue(a: HistoryValue, b: HistoryValue): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number' || a[i] !== b[i]) return false;
  return true;
}

function sameEntries(a: HistorySibling['clock'], b: HistorySibling['clock']): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const nodes = Object.keys(a);
  if (nodes.length !== Object.keys(b).length) return false;
  for (const node of nodes) if (typeof a[node] !== 'number' || a[node] !== b[node]) return false;
  return true;
}

/** The nodes (of `nodes`, whose data is `contents`) that hold `key` but are not among `replicas`. */
function holdersOutside(
  nodes: readonly string[],
  contents: readonly (ReplicaStates[string] | undefined)[],
  replicas: readonly string[],
  key: string,
): string[] {
  const outside: string[] = [];
  for (let i = 0; i < nodes.length; i++)
    if (contents[i]?.[key] !== undefined && !replicas.includes(nodes[i]!)) outside.push(nodes[i]!);
  return outside;
}

export function checkConvergence(input: ConvergenceInput): CheckerResult {
  const log = new ViolationLog();
  const counts = { keys: 0, keysDiverged: 0, keysOutsidePreferenceList: 0, hintsLeft: 0 };
  const { nodes, byKey } = holdingsOf(input.finalState);
  const contents = nodes.map((node) => input.finalState[node]);
  for (const key of [...byKey.keys()].sort()) {
    counts.keys++;
    const replicas = input.replicasOf(key);
    if (!sameSets(replicas.map((node) => input.finalState[node]?.[key]))) {
      counts.keysDiverged++;
      const sizes = replicas.map((node) => `${node}: ${input.finalState[node]?.[key]?.length ?? 0}`);
      log.add(
        'diverged',
        key,
        [],
        () =>
          `the replicas of ${key} (${replicas.join(', ')}) hold different sibling sets after the heal (siblings per replica: ${sizes.join(', ')})`,
      );
    }
    const outside = holdersOutside(nodes, contents, replicas, key);
    if (outside.length === 0) continue;
    counts.keysOutsidePreferenceList++;
    log.add(
      'outside-preference-list',
      key,
      [],
      () =>
        `${outside.join(', ')} still ${outside.length === 1 ? 'holds' : 'hold'} ${key} in its data, but the key's preference list is ${replicas.join(', ')}`,
    );
  }
  for (const [node, hints] of Object.entries(input.hintsLeft).sort()) {
    if (hints === 0) continue;
    counts.hintsLeft += hints;
    log.add(
      'hints-left',
      '',
      [],
      () =>
        `${node} still holds ${hints} hint${hints === 1 ? '' : 's'} that ${hints === 1 ? 'was' : 'were'} never handed off`,
    );
  }
  return log.result('convergence', 'P3', input.down.length === 0, counts);
}
