/**
 * The messages of one quorum put, in the shapes the lab sends them (engine protocol/messages.ts,
 * replication/messages.ts and requests.ts), reduced to what a put carries at N=3, W=2:
 *
 *   page ── request {type:'put', requestId, key, value} ──▶ coordinator
 *   coordinator ── envelope {from, to, id, body: replica-put} ──▶ 2 replicas (the next two nodes)
 *   replica ── envelope {from, to, id, body: replica-put-ack} ──▶ coordinator
 *   coordinator ── reply {type:'put', ok, requestId, coordinator, clock, ackedBy} ──▶ page
 *                  (once two acks are in, its own counted)
 *
 * plus a ping and its pong for the plain round trip. Endpoints are numbers: 0 is the page, 1..5
 * the node workers (named `n1`..`n5` in the messages, as node ids are strings in the lab).
 */

export interface ClockEntry {
  node: string;
  counter: number;
  timestamp: number;
}

export interface Version {
  clock: ClockEntry[];
  value: Uint8Array;
  timestamp: number;
}

export interface PutRequest {
  type: 'put';
  requestId: string;
  key: string;
  value: Uint8Array;
}

export interface ReplicaPut {
  type: 'replica-put';
  op: number;
  key: string;
  versions: Version[];
}

export interface ReplicaPutAck {
  type: 'replica-put-ack';
  op: number;
  ok: boolean;
}

export interface Envelope<B> {
  from: string;
  to: string;
  id: number;
  body: B;
}

export interface PutReply {
  type: 'put';
  ok: true;
  requestId: string;
  coordinator: string;
  clock: ClockEntry[];
  ackedBy: string[];
}

export interface Ping {
  type: 'ping';
  seq: number;
}

export interface Pong {
  type: 'pong';
  seq: number;
}

/** Everything a link carries; the client request is wrapped as the lab's `ClientRequest` is. */
export type Message =
  | { request: PutRequest; traced: boolean }
  | Envelope<ReplicaPut>
  | Envelope<ReplicaPutAck>
  | PutReply
  | Ping
  | Pong;

/** The page's endpoint number; node workers are 1..nodeCount. */
export const pageEndpoint = 0;
export const nodeCount = 5;
/** Bytes of a put's value: the brief's replica-put carries a 64-byte value. */
export const valueBytes = 64;

export const nodeName = (endpoint: number): string => `n${endpoint}`;
export const endpointOf = (node: string): number => Number(node.slice(1));
