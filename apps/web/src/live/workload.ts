/**
 * The background workload: a steady stream of gets and puts over a small key set, so the lab is
 * alive on open (SPEC 2). Rate, key count and read/write mix come from the store's `workload`
 * settings and can change while it runs; pause/resume flips `running`.
 *
 * Puts carry the context of the last read of their key (read–modify–write, as the simulator's clients
 * do), so the workload itself does not pile up siblings; values say who wrote them and when
 * ("w17 @12:03:04"). Never a put's reply clock: it holds the new version's dot, and as a context
 * its counter claims every earlier write of that coordinator — a sibling this client never saw
 * would be dropped by its next put (a monkey stream lost an acknowledged write so: the coordinator's
 * counter had jumped past a concurrent sibling's at a restart).
 * When every disk is wiped at once (a reset), the contexts go too: they would stamp the new
 * cluster's first versions with counters of the wiped one.
 */

import type { VectorClock } from '@kvscope/engine';
import type { LabClient } from './labClient.ts';
import type { LabStore, WorkloadSettings } from './labStore.ts';

/** Requests at once before the generator skips a beat (a dead coordinator must not pile them up). */
export const workloadInFlightMax = 32;
/** Above this rate the requests are not recorded for the trace view (too many to read anyway). */
export const workloadRecordRateMax = 20;

/** Whether the workload records its requests (for the trace and the log) at these settings. */
export function workloadRecorded(settings: WorkloadSettings): boolean {
  return settings.rate <= workloadRecordRateMax;
}

export class Workload {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = 0;
  private written = 0;
  private readonly contexts = new Map<string, VectorClock>();
  /** The store's `clusterWipes` when the contexts were started. */
  private wipesSeen = 0;

  constructor(
    private readonly client: LabClient,
    private readonly store: LabStore,
  ) {}

  start(): void {
    if (this.timer) return;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  set(patch: Partial<WorkloadSettings>): void {
    this.store.setState((s) => ({ workload: { ...s.workload, ...patch } }));
  }

  private schedule(): void {
    const { rate } = this.store.getState().workload;
    // Poisson arrivals: exponential gaps with mean 1/rate.
    const gapMs = (-Math.log(1 - Math.random()) * 1000) / Math.max(rate, 0.1);
    this.timer = setTimeout(() => {
      this.fire();
      this.schedule();
    }, gapMs);
  }

  private fire(): void {
    const { workload: settings, clusterWipes } = this.store.getState();
    if (clusterWipes !== this.wipesSeen) {
      this.contexts.clear();
      this.wipesSeen = clusterWipes;
    }
    if (!settings.running || this.inFlight >= workloadInFlightMax) return;
    const key = `k${Math.floor(Math.random() * settings.keys)}`;
    const record = workloadRecorded(settings);
    this.inFlight++;
    const done = () => {
      this.inFlight--;
    };
    if (Math.random() < settings.readFraction) {
      void this.client.get(key, { record, source: 'workload' }).then((reply) => {
        if (reply.ok && reply.type === 'get') this.contexts.set(key, reply.context);
        done();
      });
      return;
    }
    const value = `w${this.written++} @${new Date().toLocaleTimeString()}`;
    const context = this.contexts.get(key);
    void this.client
      .put(key, value, { record, source: 'workload', ...(context ? { context } : {}) })
      .then(done);
  }
}
