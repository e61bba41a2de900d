/** What hinted handoff tells the lab: hints stored by stand-ins, replayed to owners, rerouted or dropped. */

import type { EventBase } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';

export interface HintStored extends EventBase {
  type: 'hint.stored';
  hintId: number;
  owner: NodeId;
  key: string;
}

export interface HintReplayed extends EventBase {
  type: 'hint.replayed';
  hintId: number;
  owner: NodeId;
  key: string;
  /** How long the hint waited on the stand-in. */
  heldMs: number;
}

export interface HintDropped extends EventBase {
  type: 'hint.dropped';
  hintId: number;
  owner: NodeId;
  key: string;
  ageMs: number;
}

/**
 * The owner left the ring before its hint reached it: the hint now goes to a replica of the key on
 * the current ring (`to`), or, when this node is one itself, its versions are stored here.
 */
export interface HintRerouted extends EventBase {
  type: 'hint.rerouted';
  hintId: number;
  owner: NodeId;
  to: NodeId;
  key: string;
}

export type HandoffEvent = HintStored | HintReplayed | HintDropped | HintRerouted;
