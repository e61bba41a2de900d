/**
 * Deletes a departed node's files from the page once its worker has closed them: the OPFS folder
 * `kvscope/<id>` or the IndexedDB database `kvscope-<id>` (the names worker/storage/chooseFileSystem.ts
 * gives them; the page cannot import that module, which needs worker-only OPFS types). A node that
 * left has handed its data over and its id is never reused, so nothing would ever read them again.
 *
 * Best effort: a failure (a lock not yet released) only leaves the files behind.
 */

import type { NodeId } from '@kvscope/engine';
import type { StorageBackend } from '../shared/workerApi.ts';

export async function deleteNodeFiles(id: NodeId, backend: StorageBackend): Promise<void> {
  try {
    if (backend === 'opfs') {
      const root = await navigator.storage.getDirectory();
      const folder = await root.getDirectoryHandle('kvscope');
      await folder.removeEntry(id, { recursive: true });
      return;
    }
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(`kvscope-${id}`);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  } catch {
    // Left behind: harmless, the id is retired.
  }
}
