/**
 * How a driver moves envelopes between nodes. The simulator's transport is a seeded, faulty network
 * in one thread; the live driver's is a set of `MessageChannel` ports, one per peer, with link faults
 * applied at the sending side. Nodes never see a transport: they return envelopes and the driver
 * hands them to one.
 */

import type { NodeId } from './ids.ts';
import type { Envelope } from './messages.ts';

export interface Transport {
  /** Queue an envelope for delivery to `envelope.to`. Never throws: a lost message is just lost. */
  send(envelope: Envelope): void;
}

/** Link faults, as the lab and scenario files describe them. One entry per directed link. */
export interface LinkState {
  /** Nothing passes from `from` to `to` (a one-way cut when only one direction is cut). */
  cut: boolean;
  /** Extra one-way delay added to every message, in milliseconds. */
  delayMs: number;
  /** Probability in [0, 1] that a message is dropped. */
  loss: number;
}

export const healthyLink: LinkState = Object.freeze({ cut: false, delayMs: 0, loss: 0 });

/** Directed link key: `n1->n2`. */
export function linkKey(from: NodeId, to: NodeId): string {
  return `${from}->${to}`;
}
