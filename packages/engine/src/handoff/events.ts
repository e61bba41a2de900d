/** What hinted handoff tells the lab: hints stored by stand-ins, replayed to owners, or dropped. */

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

export type HandoffEvent = HintStored | HintReplayed | HintDropped;
