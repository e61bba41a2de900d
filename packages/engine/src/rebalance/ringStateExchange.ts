/**
 * The `ring-state` exchange of a restarted node (messages.ts): it asks every other member of its
 * ring for theirs, when due, takes each answer in (joins first, then departures), and tells the
 * node once its wait is over (ringCatchUp.ts says when). It answers its peers' requests with its
 * own ring, saying whether it is still catching up itself, and answers nothing once it has left.
 * A serving node asks too when it may have missed a departure while cut off (missedDepartures.ts),
 * and takes only the departures from those answers.
 *
 * Each answer also names the joiners its sender fenced ranges for (rangeFences.ts) and has not yet
 * seen join. A node that lost its disk lost its own fences with it: on its old ring it would serve
 * ranges it had handed to such a joiner, and acknowledge writes the joiner never gets. So the wait
 * is not over while a peer's latest answer names a joiner this node's ring does not show: it asks
 * again until its ring shows the joiner (gossip or an answer brings it), or no answer names it.
 */

import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { RingState } from './messages.ts';
import { RingCatchUp } from './ringCatchUp.ts';
import type { RingMembership } from './ringMembership.ts';

export interface RingStateHost {
  readonly self: NodeId;
  send(to: NodeId, body: Message, out: NodeOutput): void;
  /** True when gossip reported `member` alive since this node started (it is a member now). */
  heardAlive(member: NodeId): boolean;
  /** True when gossip hears `member` alive now (not suspected, down or untracked). */
  heardAliveNow(member: NodeId): boolean;
  /** `via`'s ring says `member` left, and this node's ring no longer holds it: gossip ends it too. */
  departed(member: NodeId, via: NodeId, now: number, out: NodeOutput): void;
  /** `member` is on this node's ring now, taken from a peer's. */
  joined(member: NodeId, now: number): void;
  /** The ring is caught up: a bootstrap or rebuild waiting for it may start. */
  caughtUp(now: number, out: NodeOutput): void;
  /** Joiners this node fenced ranges for whose join its ring does not show yet. */
  fencedFor(): NodeId[];
}

export class RingStateExchange {
  private readonly wait = new RingCatchUp();
  /** Peers asked who left since this node caught up, until each answers. */
  private readonly askedWhoLeft = new Set<NodeId>();
  /** While catching up: the joiners each peer last said it fenced ranges for. */
  private readonly joiningAt = new Map<NodeId, readonly NodeId[]>();
  /** Enough answers came, but one named a joiner this node's ring does not show yet. */
  private heldForJoiner = false;

  constructor(
    private readonly host: RingStateHost,
    private readonly ring: RingMembership,
  ) {}

  /** True while this node waits for a peer's ring (strict quorums serve nothing meanwhile). */
  get waiting(): boolean {
    return !this.wait.caughtUp;
  }

  /** The joiner this node waits to see on its ring before it is caught up, or null. */
  get waitsForJoiner(): NodeId | null {
    return this.heldForJoiner ? this.unknownJoiner() : null;
  }

  /**
   * A restart: ask now; or, when nothing needs asking, the ring is caught up at once. A node that
   * lost its disk waits for every peer's answer, or most (ringCatchUp.ts, `thorough`).
   */
  start(asks: boolean, now: number, out: NodeOutput, thorough = false): void {
    if (!asks) {
      this.done(now, out);
      return;
    }
    this.wait.begin(now, thorough);
    this.joiningAt.clear();
    this.heldForJoiner = false;
    this.tick(now, out);
  }

  /** Asks every other member of the ring, when due, unless the wait is over by now. */
  tick(now: number, out: NodeOutput): void {
    if (this.heldForJoiner && this.unknownJoiner() === null) {
      this.done(now, out);
      return;
    }
    if (!this.wait.due(now)) return;
    const peers = this.peers();
    // Alone on its ring, or most answered while restarting too and no current answer came.
    if (peers.length === 0 || this.wait.heard(null, false, peers, now)) {
      this.finish(now, out);
      if (!this.heldForJoiner) return; // held for a joiner, it asks again: answers may lift the hold
    }
    for (const peer of peers) this.host.send(peer, { type: 'ring-state-request' }, out);
  }

  /** A peer asks: this node's ring, unless it has left (its ring stopped then). */
  answer(from: NodeId, left: boolean, out: NodeOutput): void {
    if (left) return;
    const body = {
      type: 'ring-state',
      members: this.ring.memberList.slice(),
      departed: this.ring.departed.slice(),
      joining: this.host.fencedFor(),
    };
    this.host.send(from, { ...body, current: this.wait.caughtUp } as RingState, out);
  }

  /** A node that may have missed a departure asks `peers` for their ring (once caught up). */
  askWhoLeft(peers: readonly NodeId[], out: NodeOutput): void {
    if (!this.wait.caughtUp) return; // its catch-up asks everyone already
    for (const peer of peers) {
      this.askedWhoLeft.add(peer);
      this.host.send(peer, { type: 'ring-state-request' }, out);
    }
  }

  /**
   * A peer's ring arrived: taken in while this node waits; once caught up, only the departures of an
   * answer it asked for, of members gossip does not hear alive now; any other answer changes nothing.
   */
  onState(from: NodeId, state: RingState, now: number, out: NodeOutput): void {
    if (this.wait.caughtUp) {
      if (this.askedWhoLeft.delete(from)) this.learnDepartures(from, state.departed, now, out);
      return;
    }
    this.learn(from, state, now, out);
    this.joiningAt.set(from, state.joining);
    if (this.wait.heard(from, state.current, this.peers(), now)) this.finish(now, out);
  }

  /** The operator says `node` is gone for good: no peer's fence for it holds the wait up. */
  forget(node: NodeId): void {
    for (const [peer, joiners] of this.joiningAt)
      this.joiningAt.set(
        peer,
        joiners.filter((id) => id !== node),
      );
  }

  nextDeadline(): number | null {
    return this.wait.nextDeadline();
  }

  /**
   * Takes a peer's ring in, joins first: the members this node lacks (unless it knows they left),
   * then the departures. A member heard from since this node started is a member now, whatever a
   * peer remembers, and this node never takes itself off this way.
   */
  private learn(from: NodeId, state: RingState, now: number, out: NodeOutput): void {
    const { self } = this.host;
    const departed = new Set(state.departed);
    const joined = state.members.filter((member) => !departed.has(member.id));
    for (const id of this.ring.addMissing(joined, now, out)) this.host.joined(id, now);
    for (const id of state.departed) {
      if (id !== self && !this.host.heardAlive(id)) this.remove(id, from, now, out);
    }
  }

  private learnDepartures(from: NodeId, departed: readonly NodeId[], now: number, out: NodeOutput): void {
    for (const id of departed) {
      if (id !== this.host.self && !this.host.heardAliveNow(id)) this.remove(id, from, now, out);
    }
  }

  private remove(departed: NodeId, via: NodeId, now: number, out: NodeOutput): void {
    this.ring.remove(departed, now, out);
    this.host.departed(departed, via, now, out);
  }

  /** Enough answers came: the wait is over, unless one named a joiner this ring does not show. */
  private finish(now: number, out: NodeOutput): void {
    const joiner = this.unknownJoiner();
    if (joiner === null) this.done(now, out);
    else if (!this.heldForJoiner) {
      this.heldForJoiner = true;
      out.events.push({ type: 'ring.waitsForJoiner', at: now, node: this.host.self, joiner });
    }
  }

  /** A joiner some peer's latest answer fenced ranges for, which this node's ring does not show. */
  private unknownJoiner(): NodeId | null {
    const { self } = this.host;
    for (const joiners of this.joiningAt.values()) {
      for (const id of joiners) if (id !== self && !this.ring.ring.nodes.some((m) => m.id === id)) return id;
    }
    return null;
  }

  private done(now: number, out: NodeOutput): void {
    this.wait.answered();
    this.heldForJoiner = false;
    this.joiningAt.clear();
    this.host.caughtUp(now, out);
  }

  /** The other members of this node's ring. */
  private peers(): NodeId[] {
    return this.ring.ring.nodes.filter((member) => member.id !== this.host.self).map((member) => member.id);
  }
}
