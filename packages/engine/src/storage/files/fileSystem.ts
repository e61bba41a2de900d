/**
 * The storage engine talks to a `FileSystem`, never to OPFS, IndexedDB or `node:fs` directly
 * (DESIGN.md rule 3). The interface is the handful of operations an LSM tree needs, and it is
 * synchronous because the primary backend is: OPFS sync access handles inside a worker. Backends:
 *
 *   memory     packages/engine/src/storage/files/memoryFileSystem.ts   simulator and tests
 *   faulty     packages/engine/src/storage/files/                      crash, power loss, torn writes, bit flips
 *   node       packages/engine/nodejs/                                 the headless runner and benchmarks
 *   opfs       apps/web/src/worker/                                    the lab (primary)
 *   indexeddb  apps/web/src/worker/                                    the lab where OPFS is missing
 *
 * One contract suite runs against all of them.
 *
 * Durability: bytes written to a file are durable once `flush()` on that handle has returned, and,
 * for a backend that can only persist asynchronously (IndexedDB), once the promise of
 * `FileSystem.durable()` taken after that flush has resolved. `rename` replaces its target
 * atomically: after a crash the target holds either its old or its new content, never a mixture;
 * that is how a manifest is switched. Errors are `KvError`s (`KV_NOT_FOUND`, `KV_IO`,
 * `KV_QUOTA_EXCEEDED`, `KV_CLOSED` for a closed handle, `KV_INVALID_ARGUMENT` for a bad name).
 *
 * Handles are exclusive: a caller keeps at most one open handle per file (OPFS sync access handles
 * lock their file), and closes a file before renaming or deleting it. Deleting a missing file is a
 * no-op. `read` returns a copy, and `write`/`append` copy their input: callers may reuse buffers.
 * The contract suite (fileSystemContract.ts) is the executable form of these rules.
 */

export interface FileHandle {
  readonly name: string;
  /** Current length in bytes, including bytes written but not yet flushed. */
  size(): number;
  /** Up to `length` bytes from `offset`; fewer at the end of the file, none past it. */
  read(offset: number, length: number): Uint8Array;
  /** Writes `data` at `offset`, extending the file (with zeros) if needed. */
  write(offset: number, data: Uint8Array): void;
  /** Writes `data` at the end and returns the offset it was written at. */
  append(data: Uint8Array): number;
  truncate(size: number): void;
  /** The durability point: everything written to this handle before the call survives a crash. */
  flush(): void;
  close(): void;
}

export interface OpenOptions {
  /** Create the file when it does not exist (default false: a missing file is `KV_NOT_FOUND`). */
  create?: boolean;
}

export interface FileSystem {
  /** A human-readable name for events and errors: `memory`, `opfs:/kvscope/n1`, … */
  readonly label: string;
  open(name: string, options?: OpenOptions): FileHandle;
  exists(name: string): boolean;
  /** Names of all files, sorted. */
  list(): string[];
  delete(name: string): void;
  /** Atomically replaces `to` with `from` (see the header). Both must be closed. */
  rename(from: string, to: string): void;
  /**
   * Resolves when every `flush()` issued so far is durable. Synchronous backends return a resolved
   * promise; the IndexedDB backend resolves when its transaction commits.
   */
  durable(): Promise<void>;
}

/** File names are flat: letters, digits, `.`, `-`, `_`; no folders. Keeps every backend simple. */
export const fileNamePattern = /^[A-Za-z0-9._-]{1,128}$/;

/** A valid file name matches `fileNamePattern` and is not `.` or `..` (which name folders everywhere). */
export function isValidFileName(name: string): boolean {
  return fileNamePattern.test(name) && name !== '.' && name !== '..';
}
