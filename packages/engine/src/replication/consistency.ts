/**
 * How many answers a request needs, and from which data centres (SPEC 1.4, after Cassandra's
 * consistency levels):
 *
 *   ONE · QUORUM · ALL · a number   counted over all N replicas (N = Σ N_dc with data centres)
 *   LOCAL_QUORUM                    ⌊N_local/2⌋+1 of the replicas in the coordinator's data centre
 *   EACH_QUORUM                     ⌊N_dc/2⌋+1 of the replicas in every data centre
 *
 * Without replication per data centre (a plain N placement) the cluster is one data centre, and
 * LOCAL_QUORUM and EACH_QUORUM are QUORUM — what Cassandra does under SimpleStrategy — rather than a
 * refusal: a level written for a multi-DC deployment keeps its meaning on a single-DC test cluster.
 * LOCAL_QUORUM asked of a coordinator whose data centre holds no replicas is refused
 * (`KV_QUORUM_IMPOSSIBLE`): no answer could ever count.
 *
 * A stand-in counts for the data centre of the replica it replaces (it is chosen inside that DC,
 * sloppyQuorum.ts), so `dcOf` below is "the DC of the replica this target answers for".
 */

import { type KvError, kvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicationFactorOf } from '../ring/placement.ts';
import type { ConsistencyLevel } from '../scenario/types.ts';

export interface QuorumRule {
  /** The level asked for, for sentences: `W=LOCAL_QUORUM`. */
  level: ConsistencyLevel;
  /** Answers needed in all: the count, or the sum of the per-data-centre needs. */
  needed: number;
  /** Per data centre, answers needed from its replicas (or their stand-ins); null: any `needed`. */
  perDataCentre: Readonly<Record<string, number>> | null;
}

/** The data centre a target answers for (its own, or that of the replica it stands in for). */
export type TargetDataCentre = (target: NodeId) => string | undefined;

const majority = (k: number) => Math.floor(k / 2) + 1;

/** A level as a count over all N replicas (ONE, QUORUM, ALL, numbers; the DC levels as QUORUM). */
export function replicaCountOf(level: ConsistencyLevel, n: number): number {
  if (typeof level === 'number') return level;
  if (level === 'ONE') return 1;
  if (level === 'ALL') return n;
  return majority(n);
}

/** Checks a quorum size against N; `what` is 'R' or 'W', for the sentence. */
export function checkQuorum(what: 'R' | 'W', count: number, n: number): KvError | null {
  if (!Number.isInteger(count) || count < 1) {
    return kvError('KV_INVALID_ARGUMENT', `${what} must be a whole number of replicas ≥ 1 (got ${count})`);
  }
  if (count > n) {
    return kvError(
      'KV_QUORUM_IMPOSSIBLE',
      `${what}=${count} is more replicas than N=${n}; ${what} must be ≤ N`,
    );
  }
  return null;
}

/**
 * The rule for `level` under `placement`, asked of a coordinator in data centre `localDc`. `what`
 * ('R' or 'W') only names the setting in a refusal.
 */
export function quorumRule(
  what: 'R' | 'W',
  level: ConsistencyLevel,
  placement: Placement,
  localDc: string | undefined,
): QuorumRule | KvError {
  const n = replicationFactorOf(placement);
  if (typeof placement === 'number' || (level !== 'LOCAL_QUORUM' && level !== 'EACH_QUORUM')) {
    const needed = replicaCountOf(level, n);
    return checkQuorum(what, needed, n) ?? { level, needed, perDataCentre: null };
  }
  const perDataCentre: Record<string, number> = {};
  if (level === 'EACH_QUORUM') {
    for (const [dc, k] of Object.entries(placement)) if (k > 0) perDataCentre[dc] = majority(k);
  } else {
    const k = localDc === undefined ? 0 : (placement[localDc] ?? 0);
    if (localDc === undefined || k < 1) {
      const where = localDc === undefined ? 'this node has no data centre' : `data centre ${localDc}`;
      return kvError(
        'KV_QUORUM_IMPOSSIBLE',
        `${what}=LOCAL_QUORUM counts replicas in the coordinator's data centre, and ${where} holds none (replicas per data centre: ${describePlacement(placement)})`,
      );
    }
    perDataCentre[localDc] = majority(k);
  }
  const needed = Object.values(perDataCentre).reduce((sum, q) => sum + q, 0);
  return { level, needed, perDataCentre };
}

/**
 * Whether the targets that answered make up the quorum: `answered` lists them, or is a map keyed by
 * them (a read's answers, counted without a list made of its keys on every answer).
 */
export function quorumMet(
  rule: QuorumRule,
  answered: readonly NodeId[] | ReadonlyMap<NodeId, unknown>,
  dcOf: TargetDataCentre,
): boolean {
  const isMap = 'size' in answered;
  if (rule.perDataCentre === null) return (isMap ? answered.size : answered.length) >= rule.needed;
  const counts = countByDataCentre(isMap ? answered.keys() : answered, dcOf);
  return Object.entries(rule.perDataCentre).every(([dc, q]) => (counts.get(dc) ?? 0) >= q);
}

/** Whether the quorum can still be met once the targets in `failed` are left out. */
export function quorumReachable(
  rule: QuorumRule,
  targets: readonly NodeId[],
  failed: readonly NodeId[],
  dcOf: TargetDataCentre,
): boolean {
  if (rule.perDataCentre !== null)
    return quorumMet(
      rule,
      targets.filter((target) => !failed.includes(target)),
      dcOf,
    );
  let left = 0; // counted, not listed: every write asks this once before its quorum is met
  for (const target of targets) if (!failed.includes(target)) left++;
  return left >= rule.needed;
}

/**
 * What the answers amounted to, for an error sentence: `R=2` alone, or per data centre
 * `W=EACH_QUORUM: west 2 of 2 needed, east 0 of 2 needed`.
 */
export function describeQuorum(
  what: 'R' | 'W',
  rule: QuorumRule,
  answered: readonly NodeId[],
  dcOf: TargetDataCentre,
): string {
  if (rule.perDataCentre === null) return `${what}=${rule.needed}`;
  const counts = countByDataCentre(answered, dcOf);
  const parts = Object.entries(rule.perDataCentre).map(
    ([dc, q]) => `${dc} ${counts.get(dc) ?? 0} of ${q} needed`,
  );
  return `${what}=${rule.level}: ${parts.join(', ')}`;
}

/** `west=2, east=2`. */
export function describePlacement(placement: Placement): string {
  if (typeof placement === 'number') return `N=${placement}`;
  return Object.entries(placement)
    .map(([dc, k]) => `${dc}=${k}`)
    .join(', ');
}

function countByDataCentre(nodes: Iterable<NodeId>, dcOf: TargetDataCentre): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const dc = dcOf(node);
    if (dc !== undefined) counts.set(dc, (counts.get(dc) ?? 0) + 1);
  }
  return counts;
}
