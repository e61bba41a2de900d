/**
 * Membership settings read from a node's untyped config (the simulator, the scenario runner, the
 * lab's settings panel), with defaults from constants.ts:
 *
 *   detector           'gossip' | 'local' | 'phi'        default 'gossip' (SPEC 1.6)
 *   gossipIntervalMs   ms between gossip rounds           default gossipIntervalMs (1 s)
 *   fanout             members per round                  default gossipFanout (2)
 *   failTimeoutMs      T_fail                             default failTimeoutMs (5 s)
 *   cleanupTimeoutMs   T_cleanup                          default cleanupTimeoutMs (30 s)
 *   phiThreshold       phi-accrual conviction level       default phiThreshold (8)
 *   phiDistribution    'normal' | 'exponential'           default 'normal' (phiAccrual.ts)
 *   seeds              node ids contacted at start        default none (configured members suffice)
 *
 * The scenario format names two of these `timeouts.failMs` and `timeouts.cleanupMs`; the runner maps
 * them. An unknown detector is refused with a sentence rather than silently replaced.
 */

import {
  cleanupTimeoutMs,
  failTimeoutMs,
  gossipFanout,
  gossipIntervalMs,
  phiThreshold,
} from '../constants.ts';
import { type KvError, kvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type FailureDetectorKind, failureDetectors } from '../scenario/types.ts';
import type { PhiDistribution } from './failureDetector.ts';

export interface MembershipSettings {
  detector: FailureDetectorKind;
  gossipIntervalMs: number;
  fanout: number;
  failTimeoutMs: number;
  cleanupTimeoutMs: number;
  phiThreshold: number;
  phiDistribution: PhiDistribution;
  /** Nodes a starting node sends its digest to at once, to be known (SPEC 1.6 "seeds"). */
  seeds: readonly NodeId[];
}

/** The timers `retime` may change, each a positive number of milliseconds. */
export const membershipTimerNames = ['gossipIntervalMs', 'failTimeoutMs', 'cleanupTimeoutMs'] as const;
export type MembershipTimers = Partial<Record<(typeof membershipTimerNames)[number], number>>;

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const positive = (v: unknown, fallback: number) => (isPositive(v) ? v : fallback);

export function membershipSettingsFrom(raw: Record<string, unknown>): MembershipSettings | KvError {
  const detector = raw.detector ?? 'gossip';
  if (!failureDetectors.includes(detector as FailureDetectorKind)) {
    return kvError(
      'KV_INVALID_ARGUMENT',
      `detector must be one of ${failureDetectors.join(', ')}; got ${JSON.stringify(detector)}`,
    );
  }
  const seeds = raw.seeds ?? [];
  if (!Array.isArray(seeds) || !seeds.every((s) => typeof s === 'string' && s !== '')) {
    return kvError('KV_INVALID_ARGUMENT', 'seeds must be a list of node ids');
  }
  const phiDistribution = raw.phiDistribution ?? 'normal';
  if (phiDistribution !== 'normal' && phiDistribution !== 'exponential') {
    return kvError(
      'KV_INVALID_ARGUMENT',
      `phiDistribution must be normal or exponential; got ${JSON.stringify(phiDistribution)}`,
    );
  }
  const fanout = raw.fanout ?? gossipFanout;
  if (typeof fanout !== 'number' || !Number.isSafeInteger(fanout) || fanout < 1) {
    return kvError(
      'KV_INVALID_ARGUMENT',
      `fanout must be a whole number of members, at least 1; got ${fanout}`,
    );
  }
  return {
    detector: detector as FailureDetectorKind,
    gossipIntervalMs: positive(raw.gossipIntervalMs, gossipIntervalMs),
    fanout,
    failTimeoutMs: positive(raw.failTimeoutMs, failTimeoutMs),
    cleanupTimeoutMs: positive(raw.cleanupTimeoutMs, cleanupTimeoutMs),
    phiThreshold: positive(raw.phiThreshold, phiThreshold),
    phiDistribution,
    seeds: seeds as NodeId[],
  };
}

/**
 * The gossip timers in a control patch (`configure {membership: {gossipIntervalMs: 2000, …}}`): the
 * ones given as positive finite numbers; anything else in the patch is left out.
 */
export function membershipTimersOf(raw: unknown): MembershipTimers {
  const timers: MembershipTimers = {};
  if (typeof raw !== 'object' || raw === null) return timers;
  for (const name of membershipTimerNames) {
    const ms = (raw as Record<string, unknown>)[name];
    if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) timers[name] = ms;
  }
  return timers;
}
