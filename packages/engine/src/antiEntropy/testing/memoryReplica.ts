/**
 * Test and benchmark harness: a replica whose versions live in a Map, embedding a real
 * `AntiEntropy`, and a pump that carries messages between replicas instantly (checking each one
 * against the validators and copying it as a worker boundary would), until the exchanges are done.
 */

import { sameBytes } from '../../bytes.ts';
import { isKvError, type KvError } from '../../errors.ts';
import { emptyOutput, type NodeOutput } from '../../node/contract.ts';
import type { ClusterEvent } from '../../protocol/events.ts';
import { type NodeId, nodeId } from '../../protocol/ids.ts';
import type { ApplyResult } from '../../replication/replicaStore.ts';
import type { Ring } from '../../ring/ring.ts';
import { encodeSiblings, syncSiblings, type Version } from '../../versioning/siblings.ts';
import { vectorClock } from '../../versioning/vectorClock.ts';
import { AntiEntropy, type AntiEntropyHost, type AntiEntropySettings } from '../antiEntropy.ts';
import { type AntiEntropyMessage, antiEntropyValidators, payloadBytes } from '../messages.ts';
import type { Placement } from '../ranges.ts';

export interface Sent {
  from: NodeId;
  to: NodeId;
  body: AntiEntropyMessage;
}

export class MemoryReplica implements AntiEntropyHost {
  readonly self: NodeId;
  readonly data = new Map<string, Version[]>();
  readonly outbox: Sent[] = [];
  readonly antiEntropy: AntiEntropy;
  /** Peers whose messages are lost (a cut link). */
  readonly cut = new Set<NodeId>();
  /** Peers this replica's failure detector holds down (`isReachable`). */
  readonly down = new Set<NodeId>();

  constructor(
    self: string,
    ring: Ring,
    placement: Placement,
    settings: Partial<AntiEntropySettings> = {},
    initial: Iterable<readonly [string, Version[]]> = [],
  ) {
    this.self = nodeId(self);
    for (const [key, versions] of initial) this.data.set(key, versions);
    this.antiEntropy = new AntiEntropy(this, { ring, placement, ...settings });
  }

  send(to: NodeId, body: AntiEntropyMessage, _out: NodeOutput): void {
    this.outbox.push({ from: this.self, to, body });
  }

  isReachable(peer: NodeId): boolean {
    return !this.down.has(peer);
  }

  read(key: string): Version[] | KvError {
    return this.data.get(key) ?? [];
  }

  apply(key: string, versions: readonly Version[]): ApplyResult | KvError {
    const existing = this.data.get(key) ?? [];
    const siblings = syncSiblings(existing, versions);
    const encoded = encodeSiblings(siblings);
    const changed = !sameBytes(encodeSiblings(existing), encoded);
    if (changed) this.data.set(key, siblings);
    return { siblings, changed, encoded };
  }

  *entries(): Iterable<[string, Version[]]> {
    for (const key of [...this.data.keys()].sort()) yield [key, this.data.get(key) as Version[]];
  }

  /** A local write (a coordinator's or a replica's): stores it and keeps the tree current. */
  write(key: string, versions: readonly Version[]): void {
    const result = this.apply(key, versions);
    if (isKvError(result)) throw result;
    this.antiEntropy.onWrite(key, result.siblings);
  }

  /** The stored state as comparable bytes per key. */
  state(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, versions] of this.entries())
      out.set(key, Array.from(encodeSiblings(versions)).join(','));
    return out;
  }
}

export interface PumpResult {
  messages: Sent[];
  bytes: number;
  events: ClusterEvent[];
}

/**
 * Delivers every queued message (and the answers they cause) at time `now`. Each message is
 * validated and structured-cloned first, as at a worker boundary.
 */
export function pump(replicas: readonly MemoryReplica[], now = 0, stepsMax = 1_000_000): PumpResult {
  const byId = new Map(replicas.map((r) => [r.self, r]));
  const result: PumpResult = { messages: [], bytes: 0, events: [] };
  for (let steps = 0; steps < stepsMax; steps++) {
    const sender = replicas.find((r) => r.outbox.length > 0);
    if (!sender) return result;
    const sent = sender.outbox.shift() as Sent;
    const target = byId.get(sent.to);
    if (!target || target.cut.has(sent.from) || sender.cut.has(sent.to)) continue;
    const problem = antiEntropyValidators[sent.body.type](sent.body as unknown as Record<string, unknown>);
    if (problem) throw new Error(`invalid ${sent.body.type}: ${problem}`);
    result.messages.push(sent);
    result.bytes += payloadBytes(sent.body);
    const out = emptyOutput();
    target.antiEntropy.onMessage(sent.from, structuredClone(sent.body), now, out);
    result.events.push(...out.events);
  }
  throw new Error('pump: the exchange did not end');
}

/** Runs `action` on a fresh output and returns its events. */
export function withOutput(action: (out: NodeOutput) => unknown): ClusterEvent[] {
  const out = emptyOutput();
  const value = action(out);
  if (isKvError(value)) throw value;
  return out.events;
}

/** A version written by `node` with the given counter, at time `counter`, holding `value` (null: a tombstone). */
export function versionOf(
  node: string,
  counter: number,
  value: string | null,
  extra: [string, number][] = [],
): Version {
  const clock = vectorClock([
    { node: nodeId(node), counter, timestamp: counter },
    ...extra.map(([n, c]) => ({ node: nodeId(n), counter: c, timestamp: c })),
  ]);
  const bytes = value === null ? null : Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff);
  return { clock, value: bytes, timestamp: counter, writer: node };
}
