/**
 * Checks the live lab's run with the engine's Jepsen-style checkers, and exports it (SPEC §3): the
 * history the page's client recorded (liveHistory.ts), every running replica's final contents of
 * the keys the history touched (read from each node's own store, hinted versions included: they are
 * on that node's disk, waiting to be handed over), and the verdicts of `runCheckers` — the same
 * history, final-state and checker formats as a `kvscope run` report. A live run has no seed and
 * no trace hash: it cannot be replayed, only judged.
 *
 * What the verdicts promise follows the run: the weakest of the settings it ran under (the largest
 * N; sloppy quorums, last-write-wins or late read repair if any setting had them: new settings keep
 * the data, so the history spans them), the weakest R and W any request asked for, and the disks
 * wiped or damaged since the history began (as many as W can erase every copy of a write). A node crashed when the run is checked is read
 * from its files, as a restart would find them (a copy opened in a worker of its own: the node stays
 * down and its disk unchanged); one that cannot be read — still starting, or its files damaged —
 * is named in the report, since writes held only there would look lost.
 */

import {
  type CheckerConfig,
  type CheckerVerdicts,
  type HistoryOp,
  historySiblings,
  historyValueOfBytes,
  type NodeId,
  type ReplicaStates,
  runCheckers,
  serializeReport,
  syncSiblings,
} from '@kvscope/engine';
import type { FaultMarker, LabState } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';
import type { LiveHistory } from './liveHistory.ts';
import type { ClusterSettings } from './settings.ts';

export interface LiveRunReport {
  format: 1;
  name: 'live lab';
  /** When the history began (ms since the epoch). */
  startedAt: number;
  checkedAt: number;
  valid: boolean;
  checkers: CheckerVerdicts;
  config: CheckerConfig;
  /** Every setting the cluster ran under since the history began (the checks promise what all do). */
  settings: ClusterSettings[];
  /** Nodes not read (starting, or their files unreadable): their disks are not in `finalState`. */
  downAtEnd: string[];
  /** Nodes crashed at the check, read from their files (a copy opened apart, the node not restarted). */
  readFromDisk: string[];
  /** Operations the history did not record because it was full. */
  skipped: number;
  /**
   * Versions from before the history began that its reads returned (the disks outlive the page),
   * recorded first in `history` as writes of unknown outcome (liveHistory.ts).
   */
  foundBefore: number;
  faults: FaultMarker[];
  finalState: ReplicaStates;
  history: HistoryOp[];
}

/** A checked run and its JSON text (serializeReport: the history one record per line). */
export type CheckedLiveRun = LiveRunReport & { text: string };

/** The checkers' view of the run's configuration. */
export function liveCheckerConfig(live: LiveHistory, wipes: number): CheckerConfig {
  const settings = live.promisedUnder;
  const config: CheckerConfig = {
    n: settings.n,
    r: live.minR,
    w: live.minW,
    quorum: settings.quorum,
    conflictMode: settings.conflictMode,
    readRepair: settings.readRepair,
    wipes,
  };
  if (settings.dataCentres === 2)
    config.dataCentres = { replicationPerDc: settings.replicasPerDc, r: live.minR, w: live.minW };
  return config;
}

/**
 * Every node's contents of `keys` — a running node's from its store, a crashed one's from its files
 * (read without restarting it) — and the nodes it could read neither way.
 */
async function finalState(
  cluster: LiveCluster,
  order: readonly NodeId[],
  keys: readonly string[],
): Promise<{ state: ReplicaStates; down: string[]; fromDisk: string[] }> {
  const state: ReplicaStates = {};
  const down: string[] = [];
  const fromDisk: string[] = [];
  const answers = await Promise.all(order.map((id) => cluster.storedVersions(id, keys)));
  for (const [i, id] of order.entries()) {
    if (answers[i]) continue;
    answers[i] = await cluster.storedVersionsOnDisk(id, keys);
    if (answers[i]) fromDisk.push(id);
  }
  for (const [i, id] of order.entries()) {
    const answer = answers[i];
    if (!answer) {
      down.push(id);
      continue;
    }
    const contents: Record<string, ReturnType<typeof historySiblings>> = {};
    for (const [k, key] of keys.entries()) {
      const read = answer[k];
      if (!read || 'error' in read) continue; // a damaged set: the disk failure rule's, not data
      const versions = read.hinted.length ? syncSiblings(read.stored, read.hinted) : read.stored;
      if (versions.length > 0) contents[key] = historySiblings(versions, historyValueOfBytes);
    }
    state[id] = contents;
  }
  return { state, down, fromDisk };
}

/** Reads the final state, runs the checkers over the history so far, and builds the report. */
export async function checkLiveRun(
  live: LiveHistory,
  cluster: LiveCluster,
  lab: LabState,
): Promise<CheckedLiveRun> {
  const history = [...live.ops];
  const keys = [...new Set(history.map((op) => op.key))];
  const { state, down, fromDisk } = await finalState(cluster, lab.order, keys);
  const faults = lab.markers.filter((m) => m.at >= live.startedAt);
  const wipes = faults.filter((m) => m.kind === 'wipe' || m.kind === 'corrupt').length;
  const config = liveCheckerConfig(live, wipes);
  const checkers = runCheckers(history, state, config);
  const report: LiveRunReport = {
    format: 1,
    name: 'live lab',
    startedAt: live.startedAt,
    checkedAt: Date.now(),
    valid: checkers.valid,
    checkers,
    config,
    settings: [...live.settingsRun],
    downAtEnd: down,
    readFromDisk: fromDisk,
    skipped: live.skipped,
    foundBefore: live.foundBefore,
    faults,
    finalState: state,
    history,
  };
  return { ...report, text: serializeReport(report) };
}
