/**
 * Every history checker over one run, in property order, for the runner's report and the lab.
 * The Jepsen set checker runs when the history has `add` operations (the set workload); the
 * convergence checker (P3) when the driver knows the keys' preference lists and the hints left.
 * A run *passes* when every promised property is valid. P1, P2, P4–P7 are not promised in a run
 * whose clocks may have been pruned (pruning.ts).
 */

import { vectorClockEntriesMax } from '../../constants.ts';
import type { HistoryOp } from '../history.ts';
import { checkBoundedSiblings } from './boundedSiblings.ts';
import { type CheckerConfig, type CheckerResult, hasAdds, type ReplicaStates } from './checker.ts';
import { type ConvergenceInput, checkConvergence } from './convergence.ts';
import { checkJepsenSet } from './jepsenSet.ts';
import { checkNoLostWrites } from './lostWrites.ts';
import { clocksMayBePruned } from './pruning.ts';
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

/** The properties whose checkers read causality from the store's clocks (pruning.ts). */
const judgedByClocks: ReadonlySet<string> = new Set(['P1', 'P2', 'P4', 'P5', 'P6', 'P7']);

function unpromiseForPruning(result: CheckerResult): void {
  result.promised = false;
  result.counts.clocksPruned = 1;
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
  if (clocksMayBePruned(history, finalState, config.clockEntriesMax ?? vectorClockEntriesMax))
    for (const result of results) if (judgedByClocks.has(result.property)) unpromiseForPruning(result);
  return { valid: results.every((r) => r.valid || !r.promised), results, pbs };
}
