/**
 * Every history checker over one run, in property order, for the runner's report and the lab.
 * The Jepsen set checker runs when the history has `add` operations (the set workload); the
 * convergence checker (P3) when the driver knows the keys' preference lists and the hints left.
 * A run *passes* when every promised property is valid.
 */

import type { HistoryOp } from '../history.ts';
import { checkBoundedSiblings } from './boundedSiblings.ts';
import { type CheckerConfig, type CheckerResult, hasAdds, type ReplicaStates } from './checker.ts';
import { type ConvergenceInput, checkConvergence } from './convergence.ts';
import { checkJepsenSet } from './jepsenSet.ts';
import { checkNoLostWrites } from './lostWrites.ts';
import { checkNoResurrection } from './resurrection.ts';
import { checkSessionGuarantees } from './sessions.ts';
import { checkSiblingSoundness } from './siblingSoundness.ts';
import { measureStaleness, type PbsReport } from './staleness.ts';
import { checkNoStaleReads } from './staleReads.ts';

export interface CheckerVerdicts {
  /** Every promised property held. */
  valid: boolean;
  results: CheckerResult[];
  pbs: PbsReport;
}

export function runCheckers(
  history: readonly HistoryOp[],
  finalState: ReplicaStates,
  config: CheckerConfig,
  convergence?: Omit<ConvergenceInput, 'finalState'>,
): CheckerVerdicts {
  const staleness = measureStaleness(history, config);
  const { pbs, ...stalenessResult } = staleness;
  const results = [
    checkNoLostWrites(history, finalState, config),
    checkSiblingSoundness(history, finalState, config),
    checkNoStaleReads(history, config),
    ...checkSessionGuarantees(history, config), // P5: read-your-writes, then monotonic reads
    stalenessResult,
    checkBoundedSiblings(history),
    checkNoResurrection(history, config),
  ];
  if (convergence !== undefined) results.splice(2, 0, checkConvergence({ finalState, ...convergence }));
  if (hasAdds(history)) results.push(checkJepsenSet(history, config));
  return { valid: results.every((r) => r.valid || !r.promised), results, pbs };
}
