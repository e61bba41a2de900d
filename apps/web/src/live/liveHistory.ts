/**
 * The live lab's run as a Jepsen history (SPEC §3: "the browser lab … exports its runs in the same
 * format"): every request the page's client sends — the learner's and the workload's — is recorded
 * as an `invoke` and an `ok` / `fail` / `info` in the engine's own `History`, with the fields its
 * checkers read (history.ts): values, contexts, the new version's clock and dot, the siblings a read
 * returned. Time is page milliseconds since the history began.
 *
 * Processes: a Jepsen process runs one operation at a time, so each request takes a free process
 * number (the one freed last) and gives it back when answered; after an `info` (a timeout: the
 * write may or may not have happened) the number is retired, as a simulated client changes process.
 *
 * A new history begins when every disk is wiped (a reset, or a new data-centre layout): the versions
 * the old one wrote exist nowhere any more. New settings alone restart the nodes on the same disks,
 * so the history goes on — a read after the change may return a write from before it — and the
 * checkers promise only what every setting it ran under promises (`promisedUnder`). Bounded: after
 * `liveHistoryOpsMax` operations no new one is recorded (those already invoked still complete).
 *
 * The weakest R and W any request used are kept: the checkers promise fresh reads only when even
 * those meet (R + W > N), since a learner may pick R=1 for one get.
 *
 * The disks outlive the page: after a reload the cluster reopens with the versions earlier visits
 * wrote, and a read may return one that no write of this history made — which the checkers call a
 * version the store invented (P2) and a sibling too many (P7). A version a read returns with a
 * timestamp from before the history began (the nodes and the page share one clock, `sharedNow`)
 * is *found*: `ops` records each at the history's start as a write of unknown outcome, all the
 * history can say of it, so that it explains the versions it made and promises nothing else.
 * A node whose clock was set behind (clocks.ts) stamps this history's writes early too: only a
 * timestamp earlier than the start by more than the furthest any clock ran behind (`clockBehindMs`)
 * counts as found. (The other way is not covered: a version a clock set ahead stamped before a
 * reload looks new, since the skew is the page's and the reload forgets it.)
 */

import {
  formatClock,
  History,
  type HistoryOp,
  type HistoryValue,
  historyClock,
  historyDot,
  historySiblings,
  historyValueOfBytes,
  type KvReply,
  type KvRequest,
  type OpHandle,
  replicaCount,
  type Version,
} from '@kvscope/engine';
import { sharedNow } from '../shared/workerApi.ts';
import type { ClusterSettings } from './settings.ts';
import { StaleReads } from './staleReads.ts';

/** Operations one live history records at most (two records each). */
export const liveHistoryOpsMax = 25_000;

/** What a request's recording needs back when it is answered. */
export interface LiveOp {
  handle: OpHandle;
  history: LiveHistory;
}

export class LiveHistory {
  readonly history = new History();
  readonly startedAt = sharedNow();
  /** Operations not recorded because the history was full. */
  skipped = 0;
  /** The gets that missed an acknowledged write, judged as they are answered (staleReads.ts). */
  readonly staleReads = new StaleReads();
  /** The smallest R a get and W a write asked for (replica counts), the cluster's when none did. */
  minR: number;
  minW: number;
  /** Versions written before the history began that its reads returned, by key and clock. */
  /** The furthest any node's clock ran behind the page's while this history ran (ms, ≥ 0). */
  clockBehindMs = 0;
  private readonly found = new Map<string, { key: string; value: HistoryValue }>();
  private readonly free: number[] = [];
  private nextProcess = 0;
  private invoked = 0;

  /** Every setting the cluster ran under since the history began, in order; the last is current. */
  readonly settingsRun: ClusterSettings[];

  constructor(
    settings: ClusterSettings,
    /** The store's `clusterWipes` when it began. */
    readonly wipes: number,
  ) {
    this.settingsRun = [settings];
    this.minR = settings.r;
    this.minW = settings.w;
  }

  /** The settings the cluster runs under now. */
  get settings(): ClusterSettings {
    return this.settingsRun[this.settingsRun.length - 1] as ClusterSettings;
  }

  /** The nodes restarted under `next` on the same disks: the history goes on under it too. */
  ranUnder(next: ClusterSettings): void {
    if (next === this.settings) return; // every request asks: the common case stays one comparison
    if (sameSettings(next, this.settings)) {
      this.settingsRun[this.settingsRun.length - 1] = next;
      return;
    }
    this.settingsRun.push(next);
    this.minR = Math.min(this.minR, next.r);
    this.minW = Math.min(this.minW, next.w);
  }

  /**
   * What every setting the history ran under promises: the largest N (and N per data centre), and
   * sloppy quorums, last-write-wins or read repair after the reply if any of them had it.
   */
  get promisedUnder(): ClusterSettings {
    const all = this.settingsRun;
    const any = (has: (s: ClusterSettings) => boolean) => all.some(has);
    const largest = (of: (s: ClusterSettings) => number) => Math.max(...all.map(of));
    return {
      ...this.settings,
      n: largest((s) => s.n),
      replicasPerDc: {
        west: largest((s) => s.replicasPerDc.west),
        east: largest((s) => s.replicasPerDc.east),
      },
      quorum: any((s) => s.quorum === 'sloppy') ? 'sloppy' : 'strict',
      conflictMode: any((s) => s.conflictMode === 'lww') ? 'lww' : 'siblings',
      readRepair: any((s) => s.readRepair === 'after-reply') ? 'after-reply' : 'before-reply',
    };
  }

  /**
   * The history: first each found version as a write invoked at 0 ms whose outcome is unknown
   * (`info`), each by a process of its own, then the operations recorded.
   */
  get ops(): readonly HistoryOp[] {
    if (this.found.size === 0) return this.history.ops;
    const before = new History();
    let process = this.nextProcess;
    for (const { key, value } of this.found.values()) {
      const f = value === null ? 'delete' : 'put';
      before.info(before.invoke({ process: process++, f, key, value }, 0), 0);
    }
    const shift = before.ops.length;
    return [...before.ops, ...this.history.ops.map((op) => ({ ...op, index: op.index + shift }))];
  }

  /** How many versions from before the history began its reads returned (see the header). */
  get foundBefore(): number {
    return this.found.size;
  }

  /** Operations recorded (invoked) so far. */
  get operations(): number {
    return this.invoked;
  }

  /** Records `request` as invoked, or returns null when the history is full. */
  begin(request: KvRequest, coordinator: string): LiveOp | null {
    if (this.invoked >= liveHistoryOpsMax) {
      this.skipped++;
      return null;
    }
    this.invoked++;
    this.noteLevels(request);
    const process = this.free.pop() ?? this.nextProcess++;
    const write = request.type !== 'get';
    const handle = this.history.invoke(
      {
        process,
        f: request.type,
        key: request.key,
        value: request.type === 'put' ? historyValueOfBytes(request.value) : null,
        context: write && request.context ? historyClock(request.context) : null,
        node: coordinator,
      },
      this.now(),
    );
    return { handle, history: this };
  }

  /** Records the answer to an operation `begin` recorded. */
  end({ handle }: LiveOp, reply: KvReply): void {
    const time = this.now();
    if (!reply.ok) {
      const fields = { error: reply.error, node: reply.coordinator };
      if (reply.outcome === 'fail') this.history.fail(handle, time, fields);
      else this.history.info(handle, time, fields);
      if (reply.outcome === 'fail') this.release(handle.process);
      return;
    }
    if (reply.type === 'get') {
      this.noteFound(handle.key, reply.siblings);
      this.history.ok(handle, time, {
        siblings: historySiblings(reply.siblings, historyValueOfBytes),
        context: historyClock(reply.context),
        node: reply.coordinator,
      });
    } else if (reply.type === 'put' || reply.type === 'delete')
      this.history.ok(handle, time, {
        clock: historyClock(reply.clock),
        dot: historyDot(reply.dot),
        node: reply.coordinator,
      });
    this.release(handle.process);
  }

  private noteFound(key: string, siblings: readonly Version[]): void {
    for (const version of siblings) {
      if (version.timestamp >= this.startedAt - this.clockBehindMs) continue;
      const id = `${key} ${formatClock(version.clock)}`;
      if (this.found.has(id)) continue;
      const value = version.value === null ? null : historyValueOfBytes(version.value);
      this.found.set(id, { key, value });
    }
  }

  private release(process: number): void {
    this.free.push(process);
  }

  private noteLevels(request: KvRequest): void {
    const { n } = this.settings;
    const perDc = this.settings.dataCentres === 2 ? this.settings.replicasPerDc : undefined;
    if (request.type === 'get' && request.r !== undefined)
      this.minR = Math.min(this.minR, replicaCount(request.r, n, perDc));
    if (request.type !== 'get' && request.w !== undefined)
      this.minW = Math.min(this.minW, replicaCount(request.w, n, perDc));
  }

  private now(): number {
    return Math.max(0, sharedNow() - this.startedAt);
  }
}

/** The same settings, apart from the membership they carry (how many nodes, which data centre each). */
function sameSettings(a: ClusterSettings, b: ClusterSettings): boolean {
  const { nodes: _a, nodeDc: _aDc, ...restA } = a;
  const { nodes: _b, nodeDc: _bDc, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
