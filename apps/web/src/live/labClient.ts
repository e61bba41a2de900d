/**
 * The lab's client, in the page: get/put/delete sent to a chosen coordinator (or a random live one)
 * with a client-side timeout, returning the node's reply — siblings with their clocks and the
 * context for a get, the new version's clock for a write. Each request is recorded in the store so
 * the request list and the trace view can show it; one sent with `record: false` (a workload too
 * fast to read, the benchmark) is only counted in the outcome tally, once a second.
 *
 * The client-side timeout covers what the coordinator's own timeout cannot: a coordinator that was
 * killed or paused never answers. Its outcome is `info` (the write may or may not have happened).
 */

import {
  buildRing,
  type ConsistencyLevel,
  failure,
  type KvError,
  type KvFailure,
  type KvReply,
  type KvRequest,
  kvError,
  type NodeId,
  preferenceList,
  type Ring,
  refusal,
  replicationFactorOf,
  type VectorClock,
} from '@kvscope/engine';
import { sharedNow } from '../shared/workerApi.ts';
import { placementFor } from './dataCentres.ts';
import { Deadlines } from './deadlines.ts';
import { finishRequest, type LabStore, recordRequest } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';
import { LiveHistory } from './liveHistory.ts';
import { RequestWindow } from './metrics.ts';
import { requestTimeoutFor } from './settings.ts';

export interface RequestOptions {
  /** The coordinator; a random live node when absent. */
  coordinator?: NodeId;
  r?: ConsistencyLevel;
  w?: ConsistencyLevel;
  context?: VectorClock;
  /** Record in the store (request list, trace); the benchmark turns it off. Default true. */
  record?: boolean;
  source?: 'user' | 'workload';
  /** Client-side timeout; default: twice the nodes' request timeout plus a margin. */
  timeoutMs?: number;
}

/**
 * How often unrecorded outcomes reach the store: once a second is often enough to read, and each
 * update re-renders the page (which already folds the workers' events ten times a second).
 */
const tallyFlushMs = 1_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const textOf = (value: Uint8Array | null): string | null =>
  value === null ? null : decoder.decode(value);

export class LabClient {
  private next = 0;
  /** The id of the last request sent (for the trace view and tests). */
  lastRequestId: string | null = null;
  private ring: { members: readonly NodeId[]; virtualNodes: number; ring: Ring } | null = null;
  /** Every pending request's client-side timeout, on one timer. */
  private readonly deadlines = new Deadlines();
  /** Outcomes of unrecorded requests not yet added to the store's tally. */
  private readonly untallied = { ok: 0, fail: 0, info: 0 };
  private tallyTimer: ReturnType<typeof setTimeout> | null = null;
  /** Latencies and sibling counts of the answered requests, for the metrics plots (metrics.ts). */
  readonly answered = new RequestWindow();
  /** This run's history (liveHistory.ts), begun afresh when the cluster starts over. */
  private history: LiveHistory | null = null;

  constructor(
    private readonly cluster: LiveCluster,
    private readonly store: LabStore,
    private readonly prefix = 'c',
  ) {}

  get(key: string, options: RequestOptions = {}): Promise<KvReply> {
    return this.send({ type: 'get', key, requestId: '', ...(options.r ? { r: options.r } : {}) }, options);
  }

  put(key: string, value: string | Uint8Array, options: RequestOptions = {}): Promise<KvReply> {
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    const request: KvRequest = { type: 'put', key, value: bytes, requestId: '' };
    if (options.w) request.w = options.w;
    if (options.context) request.context = options.context;
    return this.send(request, options);
  }

  delete(key: string, options: RequestOptions = {}): Promise<KvReply> {
    const request: KvRequest = { type: 'delete', key, requestId: '' };
    if (options.w) request.w = options.w;
    if (options.context) request.context = options.context;
    return this.send(request, options);
  }

  /** The key's first replica (a partition-aware client's choice: no forwarding hop for writes). */
  replicaOf(key: string): NodeId {
    const { membership, settings } = this.store.getState();
    const members = membership.ring;
    if (this.ring?.members !== members || this.ring.virtualNodes !== settings.virtualNodes) {
      const ring = buildRing(
        members.map((id) => ({ id })),
        { virtualNodes: settings.virtualNodes },
      );
      this.ring = { members, virtualNodes: settings.virtualNodes, ring };
    }
    return preferenceList(this.ring.ring, key, settings.n).nodes[0] as NodeId;
  }

  /** The history of the run since every disk was last wiped (liveHistory.ts), under every setting since. */
  liveHistory(): LiveHistory {
    const { settings, clusterWipes, clockBehindMaxMs } = this.store.getState();
    if (this.history?.wipes !== clusterWipes) this.history = new LiveHistory(settings, clusterWipes);
    else this.history.ranUnder(settings);
    this.history.clockBehindMs = clockBehindMaxMs;
    return this.history;
  }

  /** A random live node, or null when none is up. */
  pickCoordinator(): NodeId | null {
    const live = this.cluster.liveIds();
    return live.length ? (live[Math.floor(Math.random() * live.length)] as NodeId) : null;
  }

  private async send(request: KvRequest, options: RequestOptions): Promise<KvReply> {
    const requestId = `${this.prefix}${this.next++}`;
    const sent = { ...request, requestId } as KvRequest;
    const record = options.record ?? true;
    const refused = this.refusalOf(sent, options.coordinator);
    if (refused) {
      // Nothing was sent, so there is no trace to show: the request stays out of the list.
      if (record) this.lastRequestId = null;
      return this.finish(failure(sent, options.coordinator ?? ('n?' as NodeId), 'fail', refused), false);
    }
    const coordinator = options.coordinator ?? this.pickCoordinator();
    if (record) this.lastRequestId = requestId;
    if (!coordinator)
      return this.finish(failed(sent, 'n?', 'fail', 'no node is up to coordinate it'), record);
    if (record) {
      this.store.setState((s) =>
        recordRequest(s, {
          requestId,
          op: sent.type,
          key: sent.key,
          coordinator,
          source: options.source ?? 'user',
          startedAt: sharedNow(),
          finishedAt: null,
          reply: null,
        }),
      );
    }
    const timeoutMs = options.timeoutMs ?? 2 * requestTimeoutFor(this.store.getState().linkDelayMs) + 500;
    const sentAt = performance.now();
    const history = this.liveHistory();
    const mustSee = sent.type === 'get' ? history.staleReads.mustSee(sent.key) : null;
    const recorded = history.begin(sent, coordinator);
    const reply = await new Promise<KvReply>((resolve) => {
      const deadline = this.deadlines.add(performance.now() + timeoutMs, () => {
        const why = `${coordinator} did not answer within ${timeoutMs} ms (the client gave up)`;
        resolve(failed(sent, coordinator, 'info', why));
      });
      const settle = (reply: KvReply) => {
        this.deadlines.cancel(deadline);
        resolve(reply);
      };
      this.cluster
        .request(coordinator, sent, record)
        .then(settle, (error: unknown) =>
          settle(failed(sent, coordinator, 'fail', String((error as Error).message ?? error))),
        );
    });
    if (recorded) recorded.history.end(recorded, reply);
    const stale = history.staleReads.answered(sent.key, reply, mustSee);
    if (reply.ok)
      this.answered.add(
        performance.now() - sentAt,
        reply.type === 'get' ? reply.siblings.length : null,
        stale,
      );
    return this.finish(reply, record);
  }

  /**
   * Bad input, refused in the page before anything is sent (SPEC 1.1): an empty or over-size key or
   * value, R or W above the replicas a key has, a coordinator that is not in the cluster. The node
   * applies the same rules (requests.ts `refusal`) to what other clients send it.
   */
  private refusalOf(request: KvRequest, coordinator: NodeId | undefined): KvError | null {
    const { settings, order } = this.store.getState();
    if (coordinator !== undefined && !order.includes(coordinator))
      return kvError(
        'KV_UNKNOWN_NODE',
        `there is no node ${coordinator} in the cluster (${order.join(', ')})`,
      );
    return refusal(request, replicationFactorOf(placementFor(settings)));
  }

  private finish(reply: KvReply, record: boolean): KvReply {
    if (record) this.store.setState((s) => finishRequest(s, reply, sharedNow()));
    else this.tally(reply.ok ? 'ok' : reply.outcome);
    return reply;
  }

  /** Counts an unrecorded request's outcome; the store takes the counts in every `tallyFlushMs`. */
  private tally(outcome: 'ok' | 'fail' | 'info'): void {
    this.untallied[outcome]++;
    if (this.tallyTimer !== null) return;
    this.tallyTimer = setTimeout(() => {
      this.tallyTimer = null;
      const { ok, fail, info } = this.untallied;
      this.untallied.ok = this.untallied.fail = this.untallied.info = 0;
      this.store.setState((s) => ({
        ops: { ok: s.ops.ok + ok, fail: s.ops.fail + fail, info: s.ops.info + info },
      }));
    }, tallyFlushMs);
  }
}

function failed(request: KvRequest, coordinator: string, outcome: 'fail' | 'info', why: string): KvFailure {
  const code = outcome === 'info' ? 'KV_TIMEOUT' : 'KV_NODE_DOWN';
  return {
    type: request.type,
    requestId: request.requestId,
    coordinator: coordinator as NodeId,
    ok: false,
    outcome,
    error: kvError(code, why).toJSON(),
  };
}
