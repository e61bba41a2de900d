/**
 * What anti-entropy tells the world (DESIGN.md rule 4): enough for the lab's Merkle-diff view to
 * follow an exchange level by level, and for reports to count the keys it repaired and the bytes it
 * cost (TESTING T7: anti-entropy bytes per divergent key).
 *
 * `started` and `done` come from the initiator only, which sees every message of its exchange, so
 * `done` carries the exchange's whole traffic. `level` and `repaired` come from the side that
 * compared or applied, so the responder's work is visible too.
 */

import type { EventBase } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { KeyRange } from './ranges.ts';

/** Differing nodes named in one `antientropy.level` event; the count is always exact. */
export const levelEventNodesMax = 64;

export type AntiEntropyTrigger = 'periodic' | 'manual' | 'continue';

export interface AntiEntropyStarted extends EventBase {
  type: 'antientropy.started';
  exchange: string;
  peer: NodeId;
  range: KeyRange;
  /** A background round, an operator's request, or the continuation of a repair cut short. */
  trigger: AntiEntropyTrigger;
}

export interface AntiEntropyLevel extends EventBase {
  type: 'antientropy.level';
  exchange: string;
  peer: NodeId;
  range: KeyRange;
  /** The depth whose nodes were compared (0: the root). */
  depth: number;
  /** How many nodes were compared, and how many of them differ. */
  compared: number;
  differing: number;
  /** The heap numbers of the first differing nodes (at most `levelEventNodesMax`), for the lab to highlight. */
  nodes: number[];
}

export interface AntiEntropyRepaired extends EventBase {
  type: 'antientropy.repaired';
  exchange: string;
  peer: NodeId;
  range: KeyRange;
  /** Keys whose stored versions changed here. */
  keys: number;
  /** Encoded bytes of the versions received. */
  bytes: number;
}

export type AntiEntropyOutcome = 'in-sync' | 'repaired' | 'refused' | 'timed-out';

export interface AntiEntropyDone extends EventBase {
  type: 'antientropy.done';
  exchange: string;
  peer: NodeId;
  range: KeyRange;
  /** Equal roots; differences found and exchanged; the peer does not hold the range; no answer. */
  outcome: AntiEntropyOutcome;
  /** Messages and encoded bytes (`payloadBytes`), both directions. */
  messages: number;
  bytes: number;
  /** Keys whose versions travelled, either way. */
  keysRepaired: number;
  durationMs: number;
}

export type AntiEntropyEvent = AntiEntropyStarted | AntiEntropyLevel | AntiEntropyRepaired | AntiEntropyDone;
