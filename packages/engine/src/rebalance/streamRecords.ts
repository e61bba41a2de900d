/**
 * What range streaming (rangeStreams.ts) keeps of each stream and forward: the sender's stream with
 * its snapshot of keys and the batch in flight, the receiver's with the next batch it expects, the
 * ranges whose later writes are forwarded, and each forwarded write until it is acknowledged.
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Version } from '../versioning/siblings.ts';

/** A stream this node sends: the range's keys as snapshotted when it opened, sent batch by batch. */
export interface Outgoing {
  id: string;
  to: NodeId;
  range: KeyRange;
  keys: string[];
  cursor: number;
  seq: number;
  /** The batch awaiting its ack: how many snapshot keys it covers. */
  inFlight: {
    seq: number;
    covers: number;
    entries: number;
    bytes: number;
    done: boolean;
    sentAt: number;
  } | null;
  keysSent: number;
  bytes: number;
  startedAt: number;
}

/** A stream this node receives: the next batch it expects, and when it last heard of it. */
export interface Incoming {
  id: string;
  from: NodeId;
  range: KeyRange;
  /** The next seq not yet applied (duplicates below it are acked again, not counted). */
  expected: number;
  keys: number;
  bytes: number;
  startedAt: number;
  /** When a batch last arrived or the request was last sent: a pull is asked again after silence. */
  lastHeardAt: number;
  pulled: boolean;
}

/** A range whose writes stored here are copied to `to`, until `expiresAt`. */
export interface Forward {
  to: NodeId;
  range: KeyRange;
  expiresAt: number;
}

/** A forwarded write its receiver has not acknowledged yet. */
export interface UnackedForward {
  to: NodeId;
  key: string;
  siblings: Version[];
  sentAt: number;
  /** Given up after this (a receiver gone for good); anti-entropy is then the only way left. */
  expiresAt: number;
}
