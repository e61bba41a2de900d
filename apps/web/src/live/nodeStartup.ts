/**
 * Starting one node's worker, for the live cluster (liveCluster.ts): the Worker itself, its events
 * and request ports, its link table, a MessageChannel to every running peer, and the settings the
 * node starts with. Spawning (worker and channels) is split from starting (the node opens its files
 * and runs), so `startAll` can connect every worker before any node sends its first message.
 */

import type { KvReply, KvRequest, NodeId } from '@kvscope/engine';
import * as Comlink from 'comlink';
import type {
  ClientRequest,
  EventBatch,
  NodeStartResult,
  NodeWorkerApi,
  StoredVersions,
} from '../shared/workerApi.ts';
import { dataCentreConfig } from './dataCentres.ts';
import { flightDrawDelayMinMs } from './foldEvents.ts';
import { type LabStore, patchNode } from './labStore.ts';
import type { RunningNodes } from './runningNodes.ts';
import { isFirstStart, nodeTimersFor, recordStart } from './settings.ts';

/** A node's running worker, as the page holds it. */
export interface Running {
  worker: Worker;
  api: Comlink.Remote<NodeWorkerApi>;
  /** The page's end of the node's request port, and the requests waiting for their reply. */
  requests: MessagePort;
  waiting: Map<string, (reply: KvReply) => void>;
  /**
   * Sends a client request: the requests of one task leave in one `postMessage` of an array at the
   * task's end, and the worker answers with arrays too (worker/replyBatch.ts).
   */
  send(request: KvRequest, traced: boolean): void;
  /**
   * Resolves once the page has terminated the worker (`markGone`): a call to it would never be
   * answered, so a call that may race a termination waits for this too (runningNodes.ts `ask`).
   */
  gone: Promise<void>;
  markGone(): void;
}

/** What starting a node needs from the cluster. */
export interface StartupContext {
  readonly store: LabStore;
  readonly seed: number;
  /**
   * The cluster's running workers: a spawned node is added at once. Every call on a worker while
   * one starts goes through `ask`, since a kill may terminate that worker, or a peer, meanwhile: a
   * peer killed as a joiner connected to it left the join's start waiting for ever, and the
   * restart queued behind it too (the live nemesis, joins and decommissions, schedule 35).
   */
  readonly running: RunningNodes;
  ids(): readonly NodeId[];
  pushLinks(id: NodeId): Promise<void>;
  pushAllLinks(): Promise<void>;
  /** Receives the node's event batches. */
  enqueue(batch: EventBatch): void;
  /** Called when the worker dies of an error. */
  died(id: NodeId, worker: Worker, message: string): void;
  /** Called when the node found its own files damaged and stopped (engine node/contract.ts). */
  diskFailed(id: NodeId, worker: Worker, error: string): void;
  /** Called when the node found its files damaged while opening them, and its worker erased them. */
  diskReplaced(id: NodeId, error: string): void;
}

/** Per-message events when the page draws each message (the link delay makes them visible). */
export function messageEventsFor(linkDelayMs: number): boolean {
  return linkDelayMs >= flightDrawDelayMinMs;
}

function nodeWorker(id: string): Worker {
  return new Worker(new URL('../worker/node.worker.ts', import.meta.url), { type: 'module', name: id });
}

/**
 * What a crashed node's disk holds for each of `keys`, read by a worker of its own that opens a copy
 * of the files and is terminated after (NodeWorkerApi `readDisk`); null when it cannot be read. The
 * node must not be running: its files are locked while it is.
 */
export async function readCrashedDisk(
  ctx: StartupContext,
  id: NodeId,
  keys: readonly string[],
): Promise<StoredVersions[] | null> {
  const worker = nodeWorker(`${id} (disk read)`);
  const api = Comlink.wrap<NodeWorkerApi>(worker);
  const peers = ctx.store.getState().membership.ring.filter((p) => p !== id);
  try {
    return await api.readDisk({ id, peers, seed: ctx.seed, config: nodeConfig(ctx.store, id) }, keys);
  } catch {
    return null;
  } finally {
    worker.terminate();
  }
}

/**
 * Creates the node's worker and its channels to every running peer; returns the start step, which
 * resolves true once the node runs, false when its worker was terminated first.
 */
export async function spawnNode(
  ctx: StartupContext,
  id: NodeId,
  wipe: boolean,
): Promise<() => Promise<boolean>> {
  const worker = nodeWorker(id);
  worker.addEventListener('error', (e) => ctx.died(id, worker, e.message || 'worker error'));
  const api = Comlink.wrap<NodeWorkerApi>(worker);
  const events = new MessageChannel();
  events.port1.onmessage = (e: MessageEvent<EventBatch>) => {
    ctx.enqueue(e.data);
    for (const event of e.data.events)
      if (event.type === 'node.disk-failed') ctx.diskFailed(id, worker, event.error);
  };
  const requests = new MessageChannel();
  const waiting = new Map<string, (reply: KvReply) => void>();
  requests.port1.onmessage = (e: MessageEvent<KvReply[]>) => {
    for (const reply of e.data) {
      const resolve = waiting.get(reply.requestId);
      waiting.delete(reply.requestId);
      resolve?.(reply);
    }
  };
  let outgoing: ClientRequest[] = [];
  const send = (request: KvRequest, traced: boolean) => {
    outgoing.push({ request, traced });
    if (outgoing.length > 1) return;
    queueMicrotask(() => {
      requests.port1.postMessage(outgoing);
      outgoing = [];
    });
  };
  let markGone = () => {};
  const gone = new Promise<void>((resolve) => {
    markGone = resolve;
  });
  ctx.running.set(id, { worker, api, requests: requests.port1, waiting, send, gone, markGone });
  // A joiner is new to every link table: the others' links to it get the network's delay too.
  const { membership, linkDelayMs } = ctx.store.getState();
  await (membership.joining.includes(id) ? ctx.pushAllLinks() : ctx.pushLinks(id));
  await ctx.running.ask(id, (a) => a.setMessageEvents(messageEventsFor(linkDelayMs)), null);
  for (const peer of ctx.ids()) {
    if (peer === id || !ctx.running.has(peer)) continue;
    const channel = new MessageChannel();
    await ctx.running.ask(id, (a) => a.connect(peer, Comlink.transfer(channel.port1, [channel.port1])), null);
    await ctx.running.ask(peer, (a) => a.connect(id, Comlink.transfer(channel.port2, [channel.port2])), null);
  }
  const options = {
    id,
    // The ring is the members the engine reports, not every worker: a joiner is not on it yet.
    peers: ctx.store.getState().membership.ring.filter((p) => p !== id),
    seed: ctx.seed,
    config: nodeConfig(ctx.store, id),
    events: events.port2,
    requests: requests.port2,
    wipe,
    // A machine's clock outlives its process: a skewed node restarts skewed.
    clockSkewMs: ctx.store.getState().clockSkews[id] ?? 0,
  };
  return async () => {
    const start = (a: typeof api) => a.start(Comlink.transfer(options, [events.port2, requests.port2]));
    const result = await ctx.running.ask(id, start, null);
    return result !== null && started(ctx, id, worker, result);
  };
}

/** The protocol settings a node starts with (`NodeEnv.config`), from the lab's settings. */
function nodeConfig(store: LabStore, id: NodeId): Record<string, unknown> {
  const { settings, linkDelayMs, membership } = store.getState();
  const timers = nodeTimersFor(linkDelayMs);
  const config = {
    // A joiner (also one restarted mid-join) streams its ranges in before it serves.
    join: membership.joining.includes(id),
    n: settings.n,
    r: settings.r,
    w: settings.w,
    virtualNodes: settings.virtualNodes,
    conflictMode: settings.conflictMode,
    quorum: settings.quorum,
    detector: settings.detector,
    readRepair: settings.readRepair,
    storage: { memtableBytesMax: settings.memtableBytes },
    // The node reads its gossip timers from the top level of its settings.
    ...timers.membership,
    requestTimeoutMs: timers.requestTimeoutMs,
    firstStart: isFirstStart(id),
  };
  // With two data centres: every member's data centre and the replicas per data centre.
  const peers = membership.ring.filter((p) => p !== id);
  return Object.assign(config, dataCentreConfig(settings, id, peers));
}

/** Marks the node up; false when its worker is gone (killed while it started). */
function started(ctx: StartupContext, id: NodeId, worker: Worker, result: NodeStartResult): boolean {
  if (ctx.running.get(id)?.worker !== worker) return false;
  recordStart(id, Date.now());
  if (result.diskFailed) ctx.diskReplaced(id, result.diskFailed);
  const recovery = { ...result.recovery, recovered: result.recovered };
  ctx.store.setState((s) => patchNode(s, id, { backend: result.backend, recovery, status: 'up' }));
  return true;
}
