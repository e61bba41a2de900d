/**
 * Hinted handoff messages (Dynamo §4.6). A stand-in replays a hint to its owner once the owner is
 * back, and forgets the hint when the owner acknowledges it (after the owner made it durable).
 *
 *   stand-in ── hint-replay {hintId, key, siblings} ──▶ owner ── hint-ack {hintId} ──▶ stand-in
 *
 * (Storing a hint needs no message of its own: it is a `replica-put` with `hintFor` set.)
 */

import { isVersion } from '../replication/messages.ts';
import type { Version } from '../versioning/siblings.ts';

export interface HintReplay {
  type: 'hint-replay';
  hintId: number;
  key: string;
  siblings: Version[];
}

export interface HintAck {
  type: 'hint-ack';
  hintId: number;
}

export type HandoffMessage = HintReplay | HintAck;

type Body = Record<string, unknown>;
const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export const handoffValidators = {
  'hint-replay': (b: Body) =>
    isId(b.hintId) &&
    typeof b.key === 'string' &&
    b.key !== '' &&
    Array.isArray(b.siblings) &&
    b.siblings.every(isVersion)
      ? null
      : 'hint-replay needs hintId, key and siblings',
  'hint-ack': (b: Body) => (isId(b.hintId) ? null : 'hint-ack needs hintId'),
} satisfies Record<HandoffMessage['type'], (b: Body) => string | null>;
