/**
 * The steps of a Merkle exchange (SPEC 1.6, Dynamo §4.7), as pure functions of one side's tree and
 * the message it received: compare, decide what to send next, collect and apply versions. Both
 * sides run the same steps (messages.ts draws the sequence); the initiator's bookkeeping (sessions,
 * timeouts, rounds, traffic counts) lives in antiEntropy.ts, which calls these.
 *
 * The descent: the side that finds the differing nodes of a level sends its digests of their
 * children, and the other side compares them with its own — so each message is the answer to the
 * previous one and the question for the next. It stops descending once every differing node holds
 * at most `bucketKeysMax` of its keys (or at `merkleDepthMax`), and lists those keys with their
 * version digests instead; the other side answers with its versions of the keys that differ and
 * asks for the ones it lacks. Only nodes on a path to a difference are ever sent, so the traffic
 * grows with the number of differing keys (times the depth), not with the number of keys.
 */

import { merkleDepthMax } from '../constants.ts';
import { isKvError, type KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { ApplyResult } from '../replication/replicaStore.ts';
import { decodeSiblings, encodeSiblings, type Version } from '../versioning/siblings.ts';
import type { AntiEntropyHost, AntiEntropySession } from './antiEntropy.ts';
import { type AntiEntropyOutcome, levelEventNodesMax } from './events.ts';
import {
  childrenOf,
  depthOf,
  type KeyDigest,
  type MerkleNode,
  type MerkleTree,
  versionDigest,
} from './merkleTree.ts';
import {
  type AntiEntropyMessage,
  type MerkleKeys,
  type MerkleLevel,
  type MerkleRoot,
  type MerkleVersions,
  payloadBytes,
} from './messages.ts';
import type { KeyRange, ReplicatedRange } from './ranges.ts';

export interface ExchangeLimits {
  /** Stop descending once every differing node holds at most this many of our keys. */
  bucketKeysMax: number;
  /** Differing nodes carried per message; the rest are left for a later exchange (`more`). */
  frontierNodesMax: number;
  /** Encoded version bytes per `merkle-versions`; at least one key's versions always go. */
  versionsBytesMax: number;
}

/** What every message of one exchange repeats. */
export interface ExchangeHead {
  exchange: string;
  range: KeyRange;
}

/** The children (under `parents`) whose digests differ from the sender's, left to right. */
export function differingChildren(tree: MerkleTree, level: MerkleLevel): MerkleNode[] {
  const differing: MerkleNode[] = [];
  level.parents.forEach((parent, i) => {
    const [left, right] = childrenOf(parent);
    if (tree.digest(left) !== level.digests[2 * i]) differing.push(left);
    if (tree.digest(right) !== level.digests[2 * i + 1]) differing.push(right);
  });
  return differing;
}

/**
 * The next message from the side that has just found the `differing` nodes of one level: the end
 * (nothing differs any more — a write made the replicas equal meanwhile), the key lists of the
 * nodes when they are small enough, or the digests of their children.
 */
export function nextExchangeMessage(
  tree: MerkleTree,
  differing: readonly MerkleNode[],
  head: ExchangeHead,
  limits: ExchangeLimits,
): MerkleLevel | MerkleKeys | MerkleVersions {
  if (differing.length === 0) return { type: 'merkle-versions', ...head, versions: [], want: [] };
  const more = differing.length > limits.frontierNodesMax;
  const frontier = more ? differing.slice(0, limits.frontierNodesMax) : [...differing];
  const deepest = depthOf(frontier[frontier.length - 1] as MerkleNode) >= merkleDepthMax;
  if (deepest || frontier.every((node) => tree.keyCount(node) <= limits.bucketKeysMax)) {
    const entries = frontier.flatMap((node) => tree.keysIn(node));
    return { type: 'merkle-keys', ...head, nodes: frontier, entries, ...(more ? { more } : {}) };
  }
  const digests = frontier.flatMap((node) => childrenOf(node).map((child) => tree.digest(child)));
  return { type: 'merkle-level', ...head, parents: frontier, digests, ...(more ? { more } : {}) };
}

export interface KeyComparison {
  /** Keys whose versions we hold and the sender lacks or holds differently: we send ours. */
  send: string[];
  /** Keys the sender holds that we lack or hold differently: we ask for theirs. */
  want: string[];
}

/** Compares the sender's (key, version digest) lists under `nodes` with ours. */
export function compareKeys(tree: MerkleTree, message: MerkleKeys): KeyComparison {
  const ours = new Map<string, string>();
  for (const node of message.nodes) for (const { key, digest } of tree.keysIn(node)) ours.set(key, digest);
  const theirs = new Map<string, string>();
  for (const { key, digest } of message.entries) {
    if (tree.covers(key)) theirs.set(key, digest); // a key outside the range is none of our business
  }
  const send = [...ours].filter(([key, digest]) => theirs.get(key) !== digest).map(([key]) => key);
  const want = [...theirs].filter(([key, digest]) => ours.get(key) !== digest).map(([key]) => key);
  return { send: send.sort(), want: want.sort() };
}

/** The same comparison between two plain lists (the benchmark's full digest exchange uses it). */
export function compareEntryLists(ours: readonly KeyDigest[], theirs: readonly KeyDigest[]): KeyComparison {
  const mine = new Map(ours.map((e) => [e.key, e.digest]));
  const other = new Map(theirs.map((e) => [e.key, e.digest]));
  return {
    send: ours.filter((e) => other.get(e.key) !== e.digest).map((e) => e.key),
    want: theirs.filter((e) => mine.get(e.key) !== e.digest).map((e) => e.key),
  };
}

/**
 * Our encoded versions of `keys`, in order, up to `bytesMax` (the first always goes, so a repair
 * always progresses). `more` says some were left out. Keys we cannot read or no longer hold are skipped.
 */
export function collectVersions(
  read: (key: string) => Version[] | KvError,
  keys: readonly string[],
  bytesMax: number,
): { versions: MerkleVersions['versions']; more: boolean } {
  const versions: MerkleVersions['versions'] = [];
  let bytes = 0;
  for (const key of keys) {
    const siblings = read(key);
    if (isKvError(siblings) || siblings.length === 0) continue;
    const encoded = encodeSiblings(siblings);
    if (versions.length > 0 && bytes + encoded.length > bytesMax) return { versions, more: true };
    versions.push({ key, siblings: encoded });
    bytes += encoded.length;
  }
  return { versions, more: false };
}

export interface AppliedVersions {
  /** Keys whose stored versions changed. */
  changed: string[];
  /** Encoded bytes received. */
  bytes: number;
  /** Entries that did not decode, or that the store refused (e.g. a full disk): left for a later exchange. */
  failed: number;
}

/** Merges the sender's versions into ours (`syncSiblings` through the store), key by key. */
export function applyVersions(
  apply: (key: string, versions: readonly Version[]) => ApplyResult | KvError,
  covers: (key: string) => boolean,
  versions: MerkleVersions['versions'],
): AppliedVersions {
  const result: AppliedVersions = { changed: [], bytes: 0, failed: 0 };
  for (const { key, siblings } of versions) {
    result.bytes += siblings.length;
    const decoded = covers(key) ? decodeSiblings(siblings, 'KV_INVALID_MESSAGE') : null;
    if (decoded === null || isKvError(decoded)) {
      result.failed++;
      continue;
    }
    const applied = apply(key, decoded);
    if (isKvError(applied)) result.failed++;
    else if (applied.changed) result.changed.push(key);
  }
  return result;
}

// ── the message handlers, for both roles ───────────────────────────────────────────────────────────

/** What the handlers need of the node's `AntiEntropy`. */
export interface ExchangeOwner {
  /** The range (as this node holds it) and its tree, when this node replicates it. */
  replica(range: KeyRange): { range: ReplicatedRange; tree: MerkleTree } | undefined;
  /** A session this node started. */
  session(exchange: string): AntiEntropySession | undefined;
  finish(session: AntiEntropySession, outcome: AntiEntropyOutcome, now: number, out: NodeOutput): void;
}

/** The node that started an exchange: the part of its id before the last `#`. */
export function initiatorOf(exchange: string): string {
  return exchange.slice(0, exchange.lastIndexOf('#'));
}

/**
 * Answers each message of an exchange from the local tree. As responder it keeps no state; as
 * initiator it counts every message of its session, both ways, and ends the session on the last.
 */
export class ExchangeSteps {
  constructor(
    private readonly host: AntiEntropyHost,
    private readonly owner: ExchangeOwner,
    private readonly limits: ExchangeLimits,
  ) {}

  /** The initiator's first message: its root. */
  open(session: AntiEntropySession, tree: MerkleTree, now: number, out: NodeOutput): void {
    const range = { start: session.range.start, end: session.range.end };
    const root: MerkleRoot = {
      type: 'merkle-root',
      exchange: session.exchange,
      range,
      leafDepth: tree.leafDepth,
      root: tree.root(),
      reply: false,
    };
    this.send(session.peer, root, now, out);
  }

  onMessage(from: NodeId, body: AntiEntropyMessage, now: number, out: NodeOutput): void {
    const mine = initiatorOf(body.exchange) === this.host.self;
    const session = mine ? this.owner.session(body.exchange) : undefined;
    if (mine) {
      if (!session || session.peer !== from) return; // an answer to an exchange that timed out, or a stray
      this.count(session, body, now);
    } else if (body.type === 'merkle-root' && body.reply) return; // replies go to initiators only
    const held = this.owner.replica(body.range);
    if (!held?.range.peers.includes(from)) {
      if (session) this.owner.finish(session, 'refused', now, out);
      else if (body.type === 'merkle-root') this.send(from, { ...body, root: null, reply: true }, now, out);
      return;
    }
    switch (body.type) {
      case 'merkle-root':
        if (!session) this.onRoot(from, body, held.tree, now, out);
        else if (body.reply) this.owner.finish(session, body.root === null ? 'refused' : 'in-sync', now, out);
        return;
      case 'merkle-level':
        this.onLevel(from, body, held.tree, now, out);
        return;
      case 'merkle-keys':
        this.onKeys(from, body, held.tree, now, out);
        return;
      case 'merkle-versions':
        this.onVersions(from, body, held.tree, session, now, out);
        return;
    }
  }

  private onRoot(from: NodeId, body: MerkleRoot, tree: MerkleTree, now: number, out: NodeOutput): void {
    if (body.leafDepth !== tree.leafDepth) {
      this.send(from, { ...body, leafDepth: tree.leafDepth, root: null, reply: true }, now, out);
      return;
    }
    const root = tree.root();
    const differing = body.root === root ? [] : [1];
    this.levelEvent(from, body, 0, 1, differing, now, out);
    if (differing.length === 0) this.send(from, { ...body, root, reply: true }, now, out);
    else this.send(from, nextExchangeMessage(tree, differing, head(body), this.limits), now, out);
  }

  private onLevel(from: NodeId, body: MerkleLevel, tree: MerkleTree, now: number, out: NodeOutput): void {
    const differing = differingChildren(tree, body);
    const depth = body.parents.length === 0 ? 0 : depthOf(body.parents[0] as number) + 1;
    this.levelEvent(from, body, depth, body.digests.length, differing, now, out);
    this.send(from, nextExchangeMessage(tree, differing, head(body), this.limits), now, out);
  }

  private onKeys(from: NodeId, body: MerkleKeys, tree: MerkleTree, now: number, out: NodeOutput): void {
    const { send, want } = compareKeys(tree, body);
    const { versions, more } = collectVersions(
      (key) => this.host.read(key),
      send,
      this.limits.versionsBytesMax,
    );
    const reply: MerkleVersions = { type: 'merkle-versions', ...head(body), versions, want };
    this.send(from, more ? { ...reply, more } : reply, now, out);
  }

  private onVersions(
    from: NodeId,
    body: MerkleVersions,
    tree: MerkleTree,
    session: AntiEntropySession | undefined,
    now: number,
    out: NodeOutput,
  ): void {
    if (body.versions.length > 0) {
      const applied = applyVersions(
        (key, versions) => {
          const result = this.host.apply(key, versions, now, out);
          if (!isKvError(result)) tree.update(key, versionDigest(result.siblings));
          return result;
        },
        (key) => tree.covers(key),
        body.versions,
      );
      out.events.push({
        type: 'antientropy.repaired',
        at: now,
        node: this.host.self,
        exchange: body.exchange,
        peer: from,
        range: { ...body.range },
        keys: applied.changed.length,
        bytes: applied.bytes,
      });
    }
    if (body.want.length === 0) {
      if (session) this.owner.finish(session, session.keys.size > 0 ? 'repaired' : 'in-sync', now, out);
      return;
    }
    const wanted = body.want.filter((key) => tree.covers(key));
    const { versions, more } = collectVersions(
      (key) => this.host.read(key),
      wanted,
      this.limits.versionsBytesMax,
    );
    const reply: MerkleVersions = { type: 'merkle-versions', ...head(body), versions, want: [] };
    this.send(from, more ? { ...reply, more } : reply, now, out);
  }

  /** Sends, counts the message when this node started the exchange, and ends it on the last one. */
  private send(to: NodeId, body: AntiEntropyMessage, now: number, out: NodeOutput): void {
    this.host.send(to, body, out);
    const session =
      initiatorOf(body.exchange) === this.host.self ? this.owner.session(body.exchange) : undefined;
    if (!session) return;
    this.count(session, body, now);
    if (body.type === 'merkle-versions' && body.want.length === 0) {
      this.owner.finish(session, session.keys.size > 0 ? 'repaired' : 'in-sync', now, out);
    }
  }

  private count(session: AntiEntropySession, body: AntiEntropyMessage, now: number): void {
    session.messages++;
    session.bytes += payloadBytes(body);
    session.lastHeardAt = now;
    if (body.type !== 'merkle-root' && body.more) session.partial = true;
    if (body.type === 'merkle-versions') for (const v of body.versions) session.keys.add(v.key);
  }

  private levelEvent(
    from: NodeId,
    body: AntiEntropyMessage,
    depth: number,
    compared: number,
    differing: readonly MerkleNode[],
    now: number,
    out: NodeOutput,
  ): void {
    out.events.push({
      type: 'antientropy.level',
      at: now,
      node: this.host.self,
      exchange: body.exchange,
      peer: from,
      range: { ...body.range },
      depth,
      compared,
      differing: differing.length,
      nodes: differing.slice(0, levelEventNodesMax),
    });
  }
}

function head(body: AntiEntropyMessage): ExchangeHead {
  return { exchange: body.exchange, range: { start: body.range.start, end: body.range.end } };
}
