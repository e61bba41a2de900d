/**
 * Narrow views of the engine's `ClusterEvent` union for the UI: the replication and storage members
 * by name (the engine's public surface exports the union, not each member), and small accessors —
 * the key an event concerns, every node it involves, and its kind — shared by the log's filter, the
 * request trace and the fault timeline.
 */

import type { ClusterEvent } from '@kvscope/engine';

export type EventOf<T extends ClusterEvent['type']> = Extract<ClusterEvent, { type: T }>;
export type StorageEventRecord = EventOf<'storage'>;
export type StorageEvent = StorageEventRecord['event'];
export type RequestStarted = EventOf<'request.started'>;
export type RequestCompleted = EventOf<'request.completed'>;
export type ReplicaAnswered = EventOf<'replica.answered'>;
export type ReadRepairSent = EventOf<'read-repair.sent'>;
export type WriteBackSent = EventOf<'write-back.sent'>;
export type WriteBackAcked = EventOf<'write-back.acked'>;
export type RequestForwarded = EventOf<'request.forwarded'>;
export type RequestForwardExpired = EventOf<'request.forward-expired'>;

/**
 * Groups for filtering. `membership` covers the failure detectors (ping, gossip) and membership
 * changes: the ring, range streams, fences, rebuilds and clean-ups.
 */
export type EventKind = 'request' | 'message' | 'storage' | 'node' | 'membership' | 'repair' | 'other';

export const eventKinds: readonly EventKind[] = [
  'request',
  'message',
  'storage',
  'node',
  'membership',
  'repair',
  'other',
];

/** Any event, including types this build of the UI does not know yet (future protocols). */
export type AnyEvent = ClusterEvent | { type: string; at: number; node: string; [field: string]: unknown };

export function eventKind(event: AnyEvent): EventKind {
  const type = event.type;
  if (type.startsWith('message.')) return 'message';
  if (type.startsWith('request.') || type === 'replica.answered' || type === 'version.stored')
    return 'request';
  if (type === 'storage') return 'storage';
  if (type.startsWith('node.')) return 'node';
  if (
    type.startsWith('peer.') ||
    /^(member|gossip|membership|ring|rebalance|streams?|range|rebuild)[.-]/.test(type)
  )
    return 'membership';
  if (type === 'read-repair.sent' || /^(write-back|hint|handoff|merkle|anti-?entropy)[.-]/.test(type))
    return 'repair';
  return 'other';
}

/** The key an event concerns, if any. */
export function eventKey(event: AnyEvent): string | null {
  const record = event as Record<string, unknown>;
  if (typeof record.key === 'string') return record.key;
  if (event.type === 'storage') {
    const inner = (event as StorageEventRecord).event as Record<string, unknown>;
    if (typeof inner.key === 'string') return inner.key;
  }
  return null;
}

const nodeFields = ['node', 'to', 'from', 'peer', 'replica', 'member', 'owner', 'target'] as const;
const nodeListFields = ['replicas', 'answeredBy', 'reporters', 'peers'] as const;

/** Every node an event names: where it happened, the other end of a message, replicas asked … */
export function eventNodes(event: AnyEvent): string[] {
  const record = event as Record<string, unknown>;
  const nodes = new Set<string>();
  for (const field of nodeFields) if (typeof record[field] === 'string') nodes.add(record[field] as string);
  for (const field of nodeListFields) {
    const list = record[field];
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string') nodes.add(id);
  }
  return [...nodes];
}
