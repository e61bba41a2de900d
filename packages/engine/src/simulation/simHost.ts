/**
 * One simulated machine as the simulator (simulation.ts) keeps it: its node while it runs, its state
 * (up, crashed, paused), its disk, which outlives crashes, its clock skew, the inputs held while it
 * is paused, its timer and the replies its clients wait for. Plain data; the simulator changes it.
 */

import type { ClientReply, ClientRequest, StorageNode } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Envelope } from '../protocol/messages.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';

export type NodeState = 'up' | 'crashed' | 'paused';

/** A file system the simulator can crash: the faulty backend implements this. */
export interface CrashableFileSystem extends FileSystem {
  crash(kind: 'process' | 'power'): void;
}

export function isCrashable(fs: FileSystem): fs is CrashableFileSystem {
  return typeof (fs as Partial<CrashableFileSystem>).crash === 'function';
}

export type AgendaItem =
  | { kind: 'deliver'; envelope: Envelope }
  | { kind: 'wake'; node: NodeId; incarnation: number }
  | { kind: 'request'; node: NodeId; request: ClientRequest; onReply: (reply: ClientReply) => void }
  | { kind: 'action'; label: string; run: () => void };

export interface Host {
  id: NodeId;
  node: StorageNode | null;
  state: NodeState;
  incarnation: number;
  fs: FileSystem;
  skewMs: number;
  /** Inputs that arrived while paused, processed in order on resume. */
  inbox: AgendaItem[];
  wakeAt: number | null;
  /** The instant of the node's last timer wake, and how many wakes in a row came at that instant. */
  lastWakeTime: number;
  wakesAtOneInstant: number;
  pendingReplies: Map<string, (reply: ClientReply) => void>;
  /** Settings of a node added while running (a joiner); the run's `config` otherwise. */
  config?: Record<string, unknown>;
}

/** A machine that has not started yet (the simulator boots it at once). */
export function newHost(id: NodeId, fs: FileSystem, config?: Record<string, unknown>): Host {
  const host: Host = {
    id,
    node: null,
    state: 'crashed',
    incarnation: 0,
    fs,
    skewMs: 0,
    inbox: [],
    wakeAt: null,
    lastWakeTime: Number.NaN,
    wakesAtOneInstant: 0,
    pendingReplies: new Map(),
  };
  if (config !== undefined) host.config = config;
  return host;
}
