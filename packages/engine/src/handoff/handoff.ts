/**
 * Hinted handoff on the stand-in side (Dynamo §4.6, SPEC 1.6): hints are kept in the durable hint
 * store; every `hintCheckIntervalMs` the node drops hints older than the hint window and replays
 * the others to owners that the failure detector says are alive, at most `hintReplayInFlightMax` at a
 * time per owner (the throttle); a hint is forgotten once the owner acknowledges it, and replayed
 * again if no acknowledgement comes within `hintReplayRetryMs`. A hint whose owner has left the ring
 * (decommissioned) can never be replayed to it: it goes to a replica of its key on the current ring
 * instead, or into this node's own data when this node is one.
 */

import { hintCheckIntervalMs, hintReplayInFlightMax, hintReplayRetryMs, hintWindowMs } from '../constants.ts';
import type { KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import { Timeout } from '../time/clock.ts';
import type { Version } from '../versioning/siblings.ts';
import type { Hint, HintStore } from './hintStore.ts';

export interface HandoffHost {
  readonly self: NodeId;
  isAlive(node: NodeId): boolean;
  send(to: NodeId, body: Message, out: NodeOutput): void;
  /** Is `node` on this node's current ring? */
  onRing(node: NodeId): boolean;
  /** A replica of `key` on the current ring: this node when it is one, else the key's primary. */
  replicaOf(key: string): NodeId;
  /** Stores versions in this node's own data (durable at the step's sync); an error if it cannot. */
  storeOwn(key: string, versions: Version[], now: number, out: NodeOutput): KvError | null;
}

export interface HandoffSettings {
  hintWindowMs: number;
}

export class HintedHandoff {
  /** hint id → when its replay was sent. */
  private readonly inFlight = new Map<number, number>();
  private readonly check = new Timeout('hint-check', hintCheckIntervalMs);

  constructor(
    private readonly host: HandoffHost,
    readonly hints: HintStore,
    private readonly settings: HandoffSettings = { hintWindowMs },
  ) {}

  get deadline(): number | null {
    return this.check.deadlineAt;
  }

  /** After a restart: resume replaying the hints recovered from disk. */
  start(now: number): void {
    if (this.hints.size > 0) this.check.start(now);
  }

  /** Stores a write meant for `owner`; the node syncs before acknowledging the coordinator. */
  store(owner: NodeId, key: string, versions: Version[], now: number, out: NodeOutput): void {
    const hint = this.hints.add(owner, key, versions, now);
    out.syncBeforeSend = true;
    out.events.push({ type: 'hint.stored', at: now, node: this.host.self, hintId: hint.id, owner, key });
    if (!this.check.running) this.check.start(now);
  }

  onAck(from: NodeId, hintId: number, now: number, out: NodeOutput): void {
    const hint = this.hints.get(hintId);
    this.inFlight.delete(hintId);
    if (!hint || hint.owner !== from) return;
    this.hints.remove(hintId, 'delivered');
    const heldMs = now - hint.storedAt;
    out.events.push({
      type: 'hint.replayed',
      at: now,
      node: this.host.self,
      hintId,
      owner: from,
      key: hint.key,
      heldMs,
    });
  }

  tick(now: number, out: NodeOutput): void {
    if (!this.check.fired(now)) return;
    const inFlightPerOwner = new Map<NodeId, number>();
    for (const [id, sentAt] of this.inFlight) {
      const owner = this.hints.get(id)?.owner;
      if (!owner || now - sentAt >= hintReplayRetryMs) this.inFlight.delete(id);
      else inFlightPerOwner.set(owner, (inFlightPerOwner.get(owner) ?? 0) + 1);
    }
    for (const hint of this.hints.all()) {
      if (!this.host.onRing(hint.owner)) {
        this.reroute(hint, now, out);
        continue;
      }
      if (now - hint.storedAt > this.settings.hintWindowMs) {
        this.drop(hint.id, hint.owner, hint.key, now - hint.storedAt, now, out);
        continue;
      }
      const inFlight = inFlightPerOwner.get(hint.owner) ?? 0;
      if (this.inFlight.has(hint.id) || inFlight >= hintReplayInFlightMax || !this.host.isAlive(hint.owner))
        continue;
      inFlightPerOwner.set(hint.owner, inFlight + 1);
      this.inFlight.set(hint.id, now);
      this.host.send(
        hint.owner,
        { type: 'hint-replay', hintId: hint.id, key: hint.key, siblings: hint.versions },
        out,
      );
    }
    if (this.hints.size > 0) this.check.start(now);
    else this.check.stop();
  }

  /** The owner left: the hint goes to a current replica of its key (a new hint), or into this node. */
  private reroute(hint: Hint, now: number, out: NodeOutput): void {
    const to = this.host.replicaOf(hint.key);
    if (to === this.host.self) {
      if (this.host.storeOwn(hint.key, hint.versions, now, out) !== null) return; // kept for later
    } else {
      this.hints.add(to, hint.key, hint.versions, now);
    }
    this.hints.remove(hint.id, 'delivered');
    this.inFlight.delete(hint.id);
    out.syncBeforeSend = true;
    const { id: hintId, owner, key } = hint;
    out.events.push({ type: 'hint.rerouted', at: now, node: this.host.self, hintId, owner, to, key });
  }

  private drop(
    hintId: number,
    owner: NodeId,
    key: string,
    ageMs: number,
    now: number,
    out: NodeOutput,
  ): void {
    this.hints.remove(hintId, 'dropped');
    this.inFlight.delete(hintId);
    out.syncBeforeSend = true;
    out.events.push({ type: 'hint.dropped', at: now, node: this.host.self, hintId, owner, key, ageMs });
  }
}
