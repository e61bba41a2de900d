/**
 * Messages are data (DESIGN.md rule 8): a discriminated union on `type`, plain structured-cloneable
 * payloads, wrapped in an `Envelope` that says who sent it to whom. Anything that arrives over a
 * worker boundary passes `validateEnvelope` first; an invalid message is dropped and counted, never
 * thrown into a node.
 *
 * Later protocols (replication, gossip, handoff, anti-entropy) add their members to `Message` and
 * their checks to `messageValidators`.
 */

import { type AntiEntropyMessage, antiEntropyValidators } from '../antiEntropy/messages.ts';
import { type KvError, kvError } from '../errors.ts';
import { type HandoffMessage, handoffValidators } from '../handoff/messages.ts';
import { type GossipMessage, gossipValidators } from '../membership/messages.ts';
import { type RebalanceMessage, rebalanceValidators } from '../rebalance/messages.ts';
import { type ReplicationMessage, replicationValidators } from '../replication/messages.ts';
import type { NodeId } from './ids.ts';

/** The foundation's trivial protocol: every node pings every peer; a ping is answered by a pong. */
export interface PingMessage {
  type: 'ping';
  /** The sender's ping counter, so the receiver can show how many it has seen. */
  seq: number;
}

export interface PongMessage {
  type: 'pong';
  /** The `seq` of the ping this answers. */
  seq: number;
}

export type Message =
  | PingMessage
  | PongMessage
  | ReplicationMessage
  | HandoffMessage
  | GossipMessage
  | AntiEntropyMessage
  | RebalanceMessage;
export type MessageType = Message['type'];

/**
 * The request a message belongs to, as its sender numbers them: the `op` of a replication message
 * (a coordinator's request to its replicas and their answers, a forward and its reply). Message
 * events carry it so that a request's trace draws its own messages only. Undefined for the rest.
 */
export function opNumberOf(body: Message): number | undefined {
  const op = (body as { op?: unknown }).op;
  return typeof op === 'number' ? op : undefined;
}

export interface Envelope<M extends Message = Message> {
  from: NodeId;
  to: NodeId;
  /** Per-sender sequence number: (from, id) names one message in events and animations. */
  id: number;
  body: M;
}

type Validator = (body: Record<string, unknown>) => string | null;

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** One check per message type; returns a sentence saying what is wrong, or null. */
export const messageValidators: Record<MessageType, Validator> = {
  ping: (b) => (isCount(b.seq) ? null : 'ping.seq must be a non-negative integer'),
  pong: (b) => (isCount(b.seq) ? null : 'pong.seq must be a non-negative integer'),
  ...replicationValidators,
  ...handoffValidators,
  ...antiEntropyValidators,
  ...gossipValidators,
  ...rebalanceValidators,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an envelope that crossed a trust boundary. Returns it typed, or a `KV_INVALID_MESSAGE`. */
export function validateEnvelope(raw: unknown): Envelope | KvError {
  if (!isRecord(raw)) return kvError('KV_INVALID_MESSAGE', 'a message must be an object');
  const { from, to, id, body } = raw;
  if (typeof from !== 'string' || from === '') return kvError('KV_INVALID_MESSAGE', 'from must be a node id');
  if (typeof to !== 'string' || to === '') return kvError('KV_INVALID_MESSAGE', 'to must be a node id');
  if (!isCount(id)) return kvError('KV_INVALID_MESSAGE', 'id must be a non-negative integer');
  if (!isRecord(body) || typeof body.type !== 'string') {
    return kvError('KV_INVALID_MESSAGE', 'body must be an object with a string type');
  }
  const validator = messageValidators[body.type as MessageType] as Validator | undefined;
  if (!validator) return kvError('KV_INVALID_MESSAGE', `unknown message type "${body.type}"`);
  const problem = validator(body);
  if (problem) return kvError('KV_INVALID_MESSAGE', problem);
  return raw as unknown as Envelope;
}
