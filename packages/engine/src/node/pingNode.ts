/**
 * The foundation's trivial protocol, so both drivers have something real to drive before the store
 * exists: every `pingIntervalMs` a node pings every peer; a ping is answered with a pong. Each node
 * remembers when it last heard from each peer and reports a peer as silent after `pingSilenceMs`
 * (and heard again when it comes back). The "kill a node, watch the others stop hearing from it"
 * demo of the first lab view runs on this.
 */

import { pingIntervalMs, pingSilenceMs } from '../constants.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Envelope, Message } from '../protocol/messages.ts';
import { earliestDeadline, Timeout } from '../time/clock.ts';
import {
  emptyOutput,
  type NodeEnv,
  type NodeInput,
  type NodeOutput,
  type NodeSnapshot,
  type StorageNode,
} from './contract.ts';

interface PeerView {
  lastHeardAt: number | null;
  pingsReceived: number;
  pongsReceived: number;
  silent: boolean;
}

export class PingNode implements StorageNode {
  readonly id: NodeId;
  private readonly peers = new Map<NodeId, PeerView>();
  private readonly pingTimeout: Timeout;
  private readonly silenceCheck = new Timeout('silence-check', 250);
  private seq = 0;
  private nextMessageId = 0;
  private startedAt = 0;

  constructor(env: NodeEnv) {
    this.id = env.id;
    const interval =
      typeof env.config.pingIntervalMs === 'number' ? env.config.pingIntervalMs : pingIntervalMs;
    this.pingTimeout = new Timeout('ping', interval);
    for (const peer of env.peers) {
      this.peers.set(peer, { lastHeardAt: null, pingsReceived: 0, pongsReceived: 0, silent: false });
    }
    // Jitter the first ping so nodes started together do not all ping in the same instant.
    this.firstPingDelay = env.rng.fork('ping').int(Math.max(1, interval));
  }

  private readonly firstPingDelay: number;

  step(input: NodeInput): NodeOutput {
    const out = emptyOutput();
    switch (input.type) {
      case 'start':
        this.startedAt = input.now;
        this.pingTimeout.start(input.now, this.firstPingDelay);
        this.silenceCheck.start(input.now);
        break;
      case 'message':
        this.onMessage(input.now, input.envelope, out);
        break;
      case 'request':
        out.replies.push({
          type: 'stats',
          requestId: input.request.requestId,
          ok: true,
          stats: this.stats(),
        });
        break;
      case 'tick':
      case 'control':
        break;
    }
    this.tick(input.now, out);
    out.wakeAt = earliestDeadline([this.pingTimeout, this.silenceCheck]);
    return out;
  }

  private onMessage(now: number, envelope: Envelope, out: NodeOutput): void {
    const view = this.peers.get(envelope.from);
    if (!view) return;
    if (view.silent)
      out.events.push({ type: 'peer.heard-again', at: now, node: this.id, peer: envelope.from });
    view.silent = false;
    view.lastHeardAt = now;
    if (envelope.body.type === 'ping') {
      view.pingsReceived++;
      this.send(envelope.from, { type: 'pong', seq: envelope.body.seq }, out);
    } else {
      view.pongsReceived++;
    }
  }

  private tick(now: number, out: NodeOutput): void {
    if (this.pingTimeout.fired(now)) {
      this.seq++;
      for (const peer of this.peers.keys()) this.send(peer, { type: 'ping', seq: this.seq }, out);
      this.pingTimeout.start(now);
    }
    if (this.silenceCheck.fired(now)) {
      for (const [peer, view] of this.peers) {
        const since = view.lastHeardAt ?? this.startedAt;
        if (!view.silent && now - since >= pingSilenceMs) {
          view.silent = true;
          out.events.push({ type: 'peer.silent', at: now, node: this.id, peer, silentForMs: now - since });
        }
      }
      this.silenceCheck.start(now);
    }
  }

  private send(to: NodeId, body: Message, out: NodeOutput): void {
    out.messages.push({ from: this.id, to, id: this.nextMessageId++, body });
  }

  private stats(): Record<string, number> {
    let pings = 0;
    let pongs = 0;
    for (const view of this.peers.values()) {
      pings += view.pingsReceived;
      pongs += view.pongsReceived;
    }
    return { pingsSent: this.seq * this.peers.size, pingsReceived: pings, pongsReceived: pongs };
  }

  sync(): void {}

  snapshot(now: number): NodeSnapshot {
    const peers = [...this.peers].map(([peer, view]) => ({
      peer,
      lastHeardAt: view.lastHeardAt,
      silent: view.silent,
      pingsReceived: view.pingsReceived,
    }));
    return { id: this.id, kind: 'ping', at: now, stats: this.stats(), peers };
  }

  close(): void {}
}

export const createPingNode = (env: NodeEnv): StorageNode => new PingNode(env);
