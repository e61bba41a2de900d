/**
 * One interface, three failure detectors the lab can compare (SPEC 1.6). A detector watches each
 * member and answers "alive, suspected or down?" from the evidence the membership feeds it; it never
 * sends anything itself, and it reads time only from the `now` it is handed.
 *
 *   evidence                         gossip (default)        local (Dynamo)        phi (Cassandra)
 *   heard(m, now, 'heartbeat')       counts                  ignored               counts (a sample)
 *   heard(m, now, 'new-incarnation') counts                  ignored               a fresh window
 *   heard(m, now, 'direct')          ignored                 counts                ignored
 *   reported(m, suspects)            counts (agreement)      ignored               ignored
 *   unanswered(m, now)               ignored                 down at once          ignored
 *
 * - `gossip`: suspected after `T_fail` without heartbeat growth; down only with a second reporter.
 * - `local`: Dynamo's final design (§4.8.3): each node decides alone from its own traffic with the
 *   member; no agreement, so a one-way cut is enough to convict.
 * - `phi`: phi-accrual (Hayashibara et al., 2004) over heartbeat inter-arrival times; convicts alone
 *   when phi reaches the threshold (Cassandra's 8).
 *
 * `status` is a pure function of the evidence so far and `now`; `nextChangeAt` says when it would
 * change with no new evidence, so the node can ask to be woken then (and never earlier than `now`).
 */

import type { NodeId } from '../protocol/ids.ts';
import type { FailureDetectorKind } from '../scenario/types.ts';
import { GossipDetector } from './gossipDetector.ts';
import { LocalDetector } from './localDetector.ts';
import { PhiAccrualDetector } from './phiAccrual.ts';

export type DetectorVerdict = 'alive' | 'suspected' | 'down';
/**
 * `heartbeat`: its counter grew; `new-incarnation`: it restarted (a larger generation); `direct`: it
 * sent this node a message.
 */
export type Evidence = 'heartbeat' | 'new-incarnation' | 'direct';

export interface FailureDetector {
  readonly kind: FailureDetectorKind;
  /** Whether `direct` evidence counts; when not, `heard(…, 'direct')` changes nothing. */
  readonly takesDirectEvidence: boolean;
  /** Starts watching `member` as if it had just been heard from. */
  track(member: NodeId, now: number): void;
  forget(member: NodeId): void;
  /** Evidence of life (see `Evidence`); `heartbeat` when not given. */
  heard(member: NodeId, now: number, evidence?: Evidence): void;
  /** Other members' suspicions of `member`, carried by gossip for the heartbeat this node also holds. */
  reported(member: NodeId, suspects: readonly NodeId[]): void;
  /** A request or heartbeat sent to `member` got no answer in time. */
  unanswered(member: NodeId, now: number): void;
  status(member: NodeId, now: number): DetectorVerdict;
  /** Who suspects `member` now, this node first when it does: for digests and `member.down`. */
  reporters(member: NodeId, now: number): NodeId[];
  /** The earliest time after `now` at which `status` would change without new evidence, or null. */
  nextChangeAt(member: NodeId, now: number): number | null;
  /** How long `member` has been silent by this detector's kind of evidence. */
  silentForMs(member: NodeId, now: number): number;
  /** The suspicion level phi, for detectors that compute one (the lab shows it). */
  phi?(member: NodeId, now: number): number;
  /**
   * The cluster's pace changed by `factor` (the lab's network speed scales the gossip interval and
   * T_fail together): every silence so far, and every interval measured, now counts `factor` times
   * as long, so that a faster pace's shorter timeout is not read against the slower pace's silences
   * (pace.ts).
   */
  rescale(now: number, factor: number): void;
}

export interface DetectorSettings {
  self: NodeId;
  failTimeoutMs: number;
  gossipIntervalMs: number;
  phiThreshold: number;
  /** The inter-arrival model of the phi detector (phiAccrual.ts). */
  phiDistribution: PhiDistribution;
}

/** `normal`: Hayashibara et al. and Akka; `exponential`: Cassandra's estimator. */
export type PhiDistribution = 'normal' | 'exponential';

export function createDetector(kind: FailureDetectorKind, settings: DetectorSettings): FailureDetector {
  switch (kind) {
    case 'gossip':
      return new GossipDetector(settings);
    case 'local':
      return new LocalDetector(settings);
    case 'phi':
      return new PhiAccrualDetector(settings);
  }
}
