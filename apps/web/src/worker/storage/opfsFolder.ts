/**
 * OPFS folder plumbing for opfsFileSystem.ts: walking a `a/b` path, opening every `slot-<n>` with its
 * sync access handle, and waiting out a lock. Sync access handles are exclusive per file, and a
 * worker that was just terminated keeps its locks for a moment, so opening retries a locked file.
 */

import { asKvError } from './storageErrors.ts';

/**
 * How long `open` waits for a file locked by a worker that is still shutting down. Measured in
 * Chromium 156: a worker terminated while busy writing keeps its locks for ~1.6–1.7 s.
 */
export const lockWaitMs = 10_000;
const lockRetryMs = 25;
const slotPattern = /^slot-(\d+)$/;

export async function folderAt(
  folderPath: string,
  create: boolean,
): Promise<FileSystemDirectoryHandle | undefined> {
  let folder = await navigator.storage.getDirectory();
  for (const segment of folderPath.split('/').filter(Boolean)) {
    try {
      folder = await folder.getDirectoryHandle(segment, { create });
    } catch (error) {
      if (!create && error instanceof DOMException && error.name === 'NotFoundError') return undefined;
      throw asKvError(error, `open folder ${folderPath}`);
    }
  }
  return folder;
}

/** Every `slot-<n>` of the folder with its sync handle open, by slot number. */
export async function openSlots(
  folder: FileSystemDirectoryHandle,
  label: string,
): Promise<Map<number, FileSystemSyncAccessHandle>> {
  const numbers: number[] = [];
  const entries = folder as unknown as AsyncIterable<[string, FileSystemHandle]>;
  for await (const [name] of entries) {
    const match = slotPattern.exec(name);
    if (match) numbers.push(Number(match[1]));
  }
  const handles = await Promise.all(numbers.map((n) => syncHandleOf(folder, `slot-${n}`, label)));
  return new Map(numbers.map((n, i) => [n, handles[i]!]));
}

/** A sync handle on `name` (created if missing), waiting out a lock a dying worker still holds. */
export async function syncHandleOf(
  folder: FileSystemDirectoryHandle,
  name: string,
  label: string,
): Promise<FileSystemSyncAccessHandle> {
  const file = await folder.getFileHandle(name, { create: true });
  try {
    return await whileLocked(() => file.createSyncAccessHandle());
  } catch (error) {
    throw asKvError(error, `open ${name} of ${label}`);
  }
}

/** Runs `action`, retrying for up to `lockWaitMs` while OPFS says another handle locks the file. */
export async function whileLocked<T>(action: () => Promise<T>): Promise<T> {
  for (let waitedMs = 0; ; waitedMs += lockRetryMs) {
    try {
      return await action();
    } catch (error) {
      const locked = error instanceof DOMException && error.name === 'NoModificationAllowedError';
      if (!locked || waitedMs >= lockWaitMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, lockRetryMs));
    }
  }
}
