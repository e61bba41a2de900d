/**
 * One "node" worker of the experiment: no engine, only a put's messages. As a coordinator it
 * answers a page request by sending a replica-put to the next two nodes and replies to the page
 * once one of them acks (two acks with its own, W=2); as a replica it acks each replica-put.
 * With `opfs`, what it stores goes through a group commit (GroupCommit below) before its acks and
 * replies leave; `workUs` adds busy CPU per message, a stand-in for the engine's step.
 */

import {
  type ClockEntry,
  type Envelope,
  type Message,
  nodeCount,
  nodeName,
  pageEndpoint,
  type ReplicaPut,
  type ReplicaPutAck,
} from './messages.ts';
import { type Endpoint, type Links, openEndpoint } from './transport.ts';

export interface WorkerInit {
  links: Links;
  opfs: boolean;
  /** Microseconds of busy CPU per message handled: a stand-in for the engine's step. */
  workUs: number;
}

/** What a worker reports when it stops. */
export interface WorkerReport {
  sent: number;
  received: number;
  posts: number;
  receivedBatches: number;
  notifies: number;
  wakes: number;
  spills: number;
  opfsFlushes: number;
}

interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  truncate(size: number): void;
  close(): void;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}
const scope = self as unknown as WorkerScope;

const recordBytes = 150;

interface Pending {
  requestId: string;
  acks: number;
  ackedBy: string[];
  clock: ClockEntry[];
}

async function openLog(me: number): Promise<SyncHandle> {
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle(`sab-ring-${me}`, { create: true });
  const open = (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle;
  const handle = await open.call(file);
  handle.truncate(0);
  handle.flush();
  return handle;
}

/**
 * The lab's group commit (liveHost.ts), reduced: a stored put is a 150-byte record appended to the
 * log; acks and replies (anything sent while a record is unsynced or held outputs wait) are held,
 * and a commit writes every record, flushes once, then sends the held outputs in order.
 * Replica-puts leave at once (the lab's `early` messages). Over ports the commit is scheduled
 * behind the inputs already queued through a private MessageChannel, as the lab does; over rings
 * it runs at the end of each drain, which has stepped every input that was queued.
 */
class GroupCommit {
  endpoint!: Endpoint;
  flushes = 0;
  private records = new Uint8Array(64 * recordBytes);
  private readonly record = new Uint8Array(recordBytes).fill(1);
  private unsynced = 0;
  private logBytes = 0;
  private held: [number, Message][] = [];
  private scheduled = false;
  private readonly channel: MessageChannel | null;

  constructor(
    private log: SyncHandle | null,
    inline: boolean,
  ) {
    this.channel = log && !inline ? new MessageChannel() : null;
    if (this.channel) this.channel.port1.onmessage = () => this.commit();
  }

  persist(): void {
    if (!this.log) return;
    if ((this.unsynced + 1) * recordBytes > this.records.length) {
      const grown = new Uint8Array(this.records.length * 2);
      grown.set(this.records);
      this.records = grown;
    }
    this.records.set(this.record, this.unsynced * recordBytes);
    this.unsynced++;
  }

  /** Sends `m` once every record stored before it is durable. */
  send(to: number, m: Message): void {
    if (this.unsynced === 0 && this.held.length === 0) this.endpoint.add(to, m);
    else this.held.push([to, m]);
  }

  /** After each arriving batch: commit now (rings) or schedule it (ports); early messages leave. */
  endBatch(): void {
    if (!this.channel || (this.unsynced === 0 && this.held.length === 0)) {
      this.commit();
      return;
    }
    this.endpoint.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    this.channel.port2.postMessage(null);
  }

  /** Commits what is stored and closes the log; later records are not kept. */
  close(): void {
    this.commit();
    this.log?.close();
    this.log = null;
  }

  private commit(): void {
    this.scheduled = false;
    this.endpoint.flush();
    if (this.log && this.unsynced > 0) {
      this.log.write(this.records.subarray(0, this.unsynced * recordBytes), { at: this.logBytes });
      this.log.flush();
      this.logBytes += this.unsynced * recordBytes;
      this.unsynced = 0;
      this.flushes++;
    }
    for (const [to, m] of this.held) this.endpoint.add(to, m);
    this.held = [];
    this.endpoint.flush();
  }
}

async function start(init: WorkerInit): Promise<void> {
  const me = init.links.me;
  const name = nodeName(me);
  const log = init.opfs ? await openLog(me) : null;
  const commits = new GroupCommit(log, init.links.transport === 'sab');
  const pending = new Map<number, Pending>();
  let ops = 0;
  let ids = 0;
  const deliver = (m: Message) => {
    if (init.workUs > 0) {
      const until = performance.now() + init.workUs / 1000;
      while (performance.now() < until) {}
    }
    if ('request' in m) {
      const op = ++ops;
      const now = Date.now();
      const replicas = [(me % nodeCount) + 1, ((me + 1) % nodeCount) + 1];
      const clock = [me, ...replicas].map((n, i) => ({ node: nodeName(n), counter: op + i, timestamp: now }));
      const versions = [{ clock, value: m.request.value, timestamp: now }];
      const body = { type: 'replica-put', op, key: m.request.key, versions } as const;
      for (const r of replicas) endpoint.add(r, { from: name, to: nodeName(r), id: ++ids, body });
      pending.set(op, { requestId: m.request.requestId, acks: 1, ackedBy: [name], clock });
      commits.persist();
    } else if ('body' in m) {
      onPeer(m);
    } else if (m.type === 'ping') {
      commits.send(pageEndpoint, { type: 'pong', seq: m.seq });
    }
  };
  const onPeer = (m: Envelope<ReplicaPut> | Envelope<ReplicaPutAck>) => {
    const from = Number(m.from.slice(1));
    if (m.body.type === 'replica-put') {
      commits.persist();
      const ack = { type: 'replica-put-ack', op: m.body.op, ok: true } as const;
      commits.send(from, { from: name, to: m.from, id: ++ids, body: ack });
      return;
    }
    const p = pending.get(m.body.op);
    if (!p) throw new Error(`an ack for unknown op ${m.body.op}`);
    p.acks++;
    p.ackedBy.push(m.from);
    if (p.acks === 2) {
      const { requestId, clock } = p;
      commits.send(pageEndpoint, {
        type: 'put',
        ok: true,
        requestId,
        coordinator: name,
        clock,
        ackedBy: [...p.ackedBy],
      });
    }
    if (p.acks === 3) pending.delete(m.body.op);
  };
  const endpoint = openEndpoint(init.links, deliver, () => commits.endBatch());
  commits.endpoint = endpoint;
  // 'stats' reports the counters so far; 'stop' also stops the endpoint and closes the log.
  scope.onmessage = (event: MessageEvent<'stats' | 'stop'>) => {
    if (event.data === 'stop') {
      endpoint.stop();
      commits.close();
    }
    const { sent, received, posts, receivedBatches, notifies, wakes, spills } = endpoint.stats;
    const report: WorkerReport = {
      sent,
      received,
      posts,
      receivedBatches,
      notifies,
      wakes,
      spills,
      opfsFlushes: commits.flushes,
    };
    scope.postMessage(report);
  };
  scope.postMessage('ready');
}

scope.onmessage = (event: MessageEvent<WorkerInit>) => {
  scope.onmessage = null;
  void start(event.data);
};
