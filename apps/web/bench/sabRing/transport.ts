/**
 * The three transports the experiment compares, behind one shape used by the page and by each
 * node worker alike (an "endpoint": 0 is the page, 1..5 the workers):
 *
 *   - `port`: full-mesh MessageChannel ports; objects are structured-cloned; what one task sends
 *     to a peer leaves in one `postMessage` of an array (as apps/web/src/worker/peerOutbox.ts does);
 *   - `port-binary`: the same ports, but each batch is encoded by codec.ts into one ArrayBuffer
 *     that is transferred: no structured clone of objects, the same Mojo/IO-thread routing;
 *   - `sab`: one SPSC ring per directed link (ring.ts), the batch encoded into it, the consumer's
 *     doorbell rung; the consumer waits with `Atomics.waitAsync` and drains all its rings per wake.
 *
 * Sending is the same for all: `add(to, message)` queues, and the batch leaves when the task's
 * microtasks run (or at an explicit `flush`, which a group commit calls after its OPFS flush).
 */

import { decodeBatch, encode, Writer } from './codec.ts';
import type { Message } from './messages.ts';
import {
  Doorbells,
  newRingStats,
  RingConsumer,
  RingProducer,
  type RingStats,
  ringHeaderBytes,
} from './ring.ts';

export type TransportName = 'port' | 'port-binary' | 'sab';

/** What an endpoint is handed to reach the others; index = endpoint, null for itself. */
export interface Links {
  transport: TransportName;
  me: number;
  ports?: (MessagePort | null)[];
  /** For `sab`: rings it produces into (`out[to]`) and consumes from (`in[from]`), and the doorbells. */
  out?: (SharedArrayBuffer | null)[];
  in?: (SharedArrayBuffer | null)[];
  bells?: SharedArrayBuffer;
}

/** What an endpoint counts: messages in and out, batches (posts or ring writes), and the ring's own. */
export interface LinkStats extends RingStats {
  sent: number;
  received: number;
  posts: number;
  receivedBatches: number;
}

export interface Endpoint {
  add(to: number, message: Message): void;
  /** Sends everything queued now, one batch per peer. */
  flush(): void;
  readonly stats: LinkStats;
  stop(): void;
}

/**
 * Opens `links`: calls `deliver` for each arriving message and `endBatch` after each arriving batch
 * (a message event, or one drain of every ring), where a node would run its group commit.
 */
export function openEndpoint(links: Links, deliver: (m: Message) => void, endBatch: () => void): Endpoint {
  const stats: LinkStats = { ...newRingStats(), sent: 0, received: 0, posts: 0, receivedBatches: 0 };
  const receive = (m: Message) => {
    stats.received++;
    deliver(m);
  };
  if (links.transport === 'sab') return openRings(links, stats, receive, endBatch);
  const ports = links.ports ?? [];
  const binary = links.transport === 'port-binary';
  for (const port of ports) {
    if (!port) continue;
    port.onmessage = (event: MessageEvent) => {
      stats.receivedBatches++;
      if (binary) decodeBatch(new Uint8Array(event.data as ArrayBuffer), receive);
      else for (const m of event.data as Message[]) receive(m);
      endBatch();
    };
  }
  const post = binary
    ? (to: number, w: Writer) => {
        const buffer = w.written.slice().buffer;
        ports[to]!.postMessage(buffer, [buffer]);
      }
    : (to: number, list: Message[]) => ports[to]!.postMessage(list);
  return binary
    ? batching(stats, encoding(post as Post<Writer>))
    : batching(stats, listing(post as Post<Message[]>));
}

type Post<B> = (to: number, batch: B) => void;

/** How a batch is built and sent: objects in an array, or bytes through the codec. */
interface Batcher {
  add(to: number, m: Message): void;
  /** Sends what is queued for each peer; returns the number of batches sent. */
  send(): number;
}

function listing(post: Post<Message[]>): Batcher {
  const queued = new Map<number, Message[]>();
  return {
    add(to, m) {
      const list = queued.get(to);
      if (list) list.push(m);
      else queued.set(to, [m]);
    },
    send() {
      for (const [to, list] of queued) post(to, list);
      const n = queued.size;
      queued.clear();
      return n;
    },
  };
}

/**
 * Encodes each peer's messages into one buffer. A buffer that reaches `batchBytesMax` leaves at
 * once (a ring takes no batch larger than itself; a message is far smaller than the bound).
 */
function encoding(post: Post<Writer>, batchBytesMax = Number.POSITIVE_INFINITY): Batcher {
  const writers = new Map<number, Writer>();
  const dirty = new Set<number>();
  let early = 0;
  const sendOne = (to: number, w: Writer) => {
    post(to, w);
    w.clear();
    dirty.delete(to);
  };
  return {
    add(to, m) {
      let w = writers.get(to);
      if (!w) {
        w = new Writer();
        writers.set(to, w);
      }
      encode(w, m);
      dirty.add(to);
      if (w.length < batchBytesMax) return;
      sendOne(to, w);
      early++;
    },
    send() {
      const n = dirty.size + early;
      for (const to of dirty) sendOne(to, writers.get(to)!);
      early = 0;
      return n;
    },
  };
}

function batching(stats: LinkStats, batcher: Batcher, stop = () => {}): Endpoint {
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    stats.posts += batcher.send();
  };
  return {
    stats,
    add(to, m) {
      stats.sent++;
      batcher.add(to, m);
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(flush);
    },
    flush,
    stop,
  };
}

function openRings(
  links: Links,
  stats: LinkStats,
  receive: (m: Message) => void,
  endBatch: () => void,
): Endpoint {
  const bells = new Doorbells(links.bells!, stats);
  const producers = (links.out ?? []).map((b, to) => (b ? new RingProducer(b, bells, to, stats) : null));
  const consumers = (links.in ?? []).flatMap((b, from) => (b ? [new RingConsumer(b, bells, from)] : []));
  const drainAll = () => {
    for (const p of producers) p?.retry();
    let got = false;
    for (const c of consumers) {
      const bytes = c.drain();
      if (!bytes) continue;
      got = true;
      stats.receivedBatches++;
      decodeBatch(bytes, receive);
    }
    if (got) endBatch();
  };
  let stopped = false;
  void bells.serve(links.me, drainAll, () => stopped);
  const post = (to: number, w: Writer) => producers[to]!.send(w.written);
  const ringBytes = (links.out ?? []).find((b) => b !== null)!.byteLength - ringHeaderBytes;
  return batching(stats, encoding(post, ringBytes / 4), () => {
    stopped = true;
    bells.ring(links.me);
  });
}
