/**
 * The phi-accrual failure detector (Hayashibara, Défago, Yared & Katayama, 2004), as Cassandra and
 * Akka use it. Instead of a yes/no timeout it outputs a suspicion level
 *
 *   phi(t) = −log10( P(the next heartbeat arrives later than t after the last one) )
 *
 * estimated from the member's recent heartbeat inter-arrival times, taken as normally distributed.
 * phi = 1 means a 10% chance that the member is merely late, phi = 8 (Cassandra's
 * phi_convict_threshold, our default) one in 10^8. A member is convicted alone, without agreement,
 * once phi reaches the threshold; its next heartbeat lowers phi and makes it alive again.
 *
 * Evidence: heartbeat growth learned by gossip, as in Cassandra (so inter-arrival times include the
 * gossip's own randomness). Window: the last `phiWindowSamplesMax` intervals (bounded, running
 * sums); before any sample the window holds two bootstrap samples, interval ± interval/4, i.e.
 * mean = `gossipIntervalMs`, σ = mean/4 (Akka's first-heartbeat estimate). σ is never taken below
 * `phiStdDevMinMs`. A restarted member (a new incarnation) starts a fresh window: its rhythm has
 * nothing to do with the silence before. A long pause stays in the window as one long sample, which
 * is how the detector learns to tolerate what it has seen.
 *
 * The normal tail uses the logistic approximation Akka uses (error < 0.05% of the CDF). The time at
 * which phi crosses the threshold is mean + y*·σ after the last arrival, where y* solves
 * phi(y*) = threshold once (bisection), so `status` and `nextChangeAt` agree exactly.
 *
 * `phiDistribution: 'exponential'` is Cassandra's estimator instead (FailureDetector.ArrivalWindow):
 * P(later than t) = e^(−t/mean), so phi = t / (mean · ln 10) and a member is convicted
 * threshold · ln 10 ≈ 18.4 mean intervals after its last heartbeat. Its heavier tail tolerates the
 * irregular arrivals gossip produces, at the price of slower detection; the T12 table shows both.
 */

import { phiStdDevMinMs, phiWindowSamplesMax } from '../constants.ts';
import { exp, log10 } from '../portableMath.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { DetectorSettings, DetectorVerdict, Evidence, FailureDetector } from './failureDetector.ts';
import { rescaledSince } from './pace.ts';

/** phi for a silence `y` standard deviations past the mean interval. */
export function phiOfDeviation(y: number): number {
  const e = exp(-y * (1.5976 + 0.070566 * y * y)); // portable (portableMath.ts): the same verdicts everywhere
  return y > 0 ? -log10(e / (1 + e)) : -log10(1 - 1 / (1 + e));
}

/** The deviation y* at which phi reaches `threshold` (phi grows with y). */
export function deviationForPhi(threshold: number): number {
  let low = -10;
  let high = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    if (phiOfDeviation(mid) < threshold) low = mid;
    else high = mid;
  }
  return high;
}

/** A bounded window of inter-arrival samples with running sums. */
class ArrivalWindow {
  private readonly samples: number[] = [];
  private sum = 0;
  private sumOfSquares = 0;

  constructor(
    public lastAt: number,
    bootstrapIntervalMs: number,
  ) {
    this.add(bootstrapIntervalMs * 0.75);
    this.add(bootstrapIntervalMs * 1.25);
  }

  arrived(now: number): void {
    this.add(now - this.lastAt);
    this.lastAt = now;
  }

  /** The pace changed (pace.ts): the last silence and every interval in the window stretch by `factor`. */
  rescale(now: number, factor: number): void {
    this.lastAt = rescaledSince(this.lastAt, now, factor);
    for (let i = 0; i < this.samples.length; i++) this.samples[i] = (this.samples[i] as number) * factor;
    this.sum *= factor;
    this.sumOfSquares *= factor * factor;
  }

  get meanMs(): number {
    return this.sum / this.samples.length;
  }

  get stdDevMs(): number {
    const mean = this.meanMs;
    const variance = Math.max(0, this.sumOfSquares / this.samples.length - mean * mean);
    return Math.max(phiStdDevMinMs, Math.sqrt(variance));
  }

  private add(interval: number): void {
    this.samples.push(interval);
    this.sum += interval;
    this.sumOfSquares += interval * interval;
    if (this.samples.length > phiWindowSamplesMax) {
      const old = this.samples.shift() as number;
      this.sum -= old;
      this.sumOfSquares -= old * old;
    }
  }
}

export class PhiAccrualDetector implements FailureDetector {
  readonly kind = 'phi';
  readonly takesDirectEvidence = false;
  private readonly windows = new Map<NodeId, ArrivalWindow>();
  private readonly convictDeviation: number;

  constructor(private readonly settings: DetectorSettings) {
    this.convictDeviation = deviationForPhi(settings.phiThreshold);
    this.exponential = settings.phiDistribution === 'exponential';
  }

  private readonly exponential: boolean;

  track(member: NodeId, now: number): void {
    this.windows.set(member, new ArrivalWindow(now, this.settings.gossipIntervalMs));
  }

  forget(member: NodeId): void {
    this.windows.delete(member);
  }

  heard(member: NodeId, now: number, evidence: Evidence = 'heartbeat'): void {
    const arrivals = this.windows.get(member);
    if (!arrivals || evidence === 'direct') return;
    if (evidence === 'new-incarnation') this.track(member, now);
    else arrivals.arrived(now);
  }

  reported(): void {}

  unanswered(): void {}

  status(member: NodeId, now: number): DetectorVerdict {
    const arrivals = this.windows.get(member);
    return arrivals && now >= this.convictAt(arrivals) ? 'down' : 'alive';
  }

  reporters(member: NodeId, now: number): NodeId[] {
    return this.status(member, now) === 'down' ? [this.settings.self] : [];
  }

  nextChangeAt(member: NodeId, now: number): number | null {
    const arrivals = this.windows.get(member);
    if (!arrivals) return null;
    const at = this.convictAt(arrivals);
    return at > now ? at : null;
  }

  silentForMs(member: NodeId, now: number): number {
    const arrivals = this.windows.get(member);
    return arrivals ? now - arrivals.lastAt : 0;
  }

  rescale(now: number, factor: number): void {
    for (const arrivals of this.windows.values()) arrivals.rescale(now, factor);
  }

  phi(member: NodeId, now: number): number {
    const arrivals = this.windows.get(member);
    if (!arrivals) return 0;
    if (this.exponential) return (now - arrivals.lastAt) / (arrivals.meanMs * Math.LN10);
    return phiOfDeviation((now - arrivals.lastAt - arrivals.meanMs) / arrivals.stdDevMs);
  }

  private convictAt(arrivals: ArrivalWindow): number {
    if (this.exponential) return arrivals.lastAt + this.settings.phiThreshold * Math.LN10 * arrivals.meanMs;
    return arrivals.lastAt + arrivals.meanMs + this.convictDeviation * arrivals.stdDevMs;
  }
}
