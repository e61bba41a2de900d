/**
 * Which browser `FileSystem` a node worker gets: OPFS through sync access handles where the browser
 * has them (Chromium, Firefox, Safari ≥ 15.2, in dedicated workers), IndexedDB otherwise. Each node
 * keeps its files under its own name — OPFS folder `kvscope/<nodeId>`, database `kvscope-<nodeId>` —
 * so killing a worker and starting another on the same node id is a crash and a recovery.
 */

import type { FileSystem } from '@kvscope/engine';
import { IndexedDbFileSystem } from './indexedDbFileSystem.ts';
import { OpfsFileSystem } from './opfsFileSystem.ts';

export type BrowserBackend = 'opfs' | 'indexeddb';

/** A browser file system: the engine's interface plus `close`, which releases the node's files. */
export interface BrowserFileSystem extends FileSystem {
  close(): void;
}

export function hasOpfsSyncAccessHandles(): boolean {
  return (
    typeof FileSystemFileHandle !== 'undefined' &&
    typeof FileSystemFileHandle.prototype.createSyncAccessHandle === 'function' &&
    typeof navigator.storage?.getDirectory === 'function'
  );
}

export function chooseBackend(): BrowserBackend {
  return hasOpfsSyncAccessHandles() ? 'opfs' : 'indexeddb';
}

export function nodeFolderPath(nodeId: string): string {
  return `kvscope/${nodeId}`;
}

export function nodeDatabaseName(nodeId: string): string {
  return `kvscope-${nodeId}`;
}

/**
 * Opens the files of node `nodeId` on `backend` (default: the best the browser has). `forReading`:
 * only to read them (a crashed node's disk, node.worker.ts `readDisk`): no spare files are made.
 */
export async function openNodeFileSystem(
  nodeId: string,
  backend: BrowserBackend = chooseBackend(),
  forReading = false,
): Promise<BrowserFileSystem> {
  return backend === 'opfs'
    ? OpfsFileSystem.open(nodeFolderPath(nodeId), forReading ? { sparesTarget: 0 } : {})
    : IndexedDbFileSystem.open(nodeDatabaseName(nodeId));
}

/** Deletes the files of node `nodeId` on `backend`; the node's file system must be closed. */
export async function wipeNodeFileSystem(
  nodeId: string,
  backend: BrowserBackend = chooseBackend(),
): Promise<void> {
  if (backend === 'opfs') await OpfsFileSystem.wipe(nodeFolderPath(nodeId));
  else await IndexedDbFileSystem.wipe(nodeDatabaseName(nodeId));
}
