/**
 * The fallback `FileSystem` for browsers without OPFS sync access handles: IndexedDB, which is only
 * asynchronous. So the node's files live in memory — an image loaded whole by
 * `IndexedDbFileSystem.open(dbName)` — reads are served from it, and each `flush()` sends the bytes
 * it made dirty to IndexedDB in one transaction.
 *
 *   database <dbName>
 *     files    name → { id, size }              the directory; rename rewrites only this entry
 *     chunks   [id, index] → Uint8Array(≤16 KiB) file contents, only the chunks a flush touched
 *
 * Durability, exactly:
 * - A `flush()` does not make anything durable by itself. Bytes flushed are durable once the promise
 *   of `durable()` taken after that flush resolves: that is when its transaction has committed.
 *   **Acknowledge a write only after `durable()`.**
 * - Transactions use `durability: 'strict'` by default: the commit resolves after the browser has
 *   synced its database to disk, so a committed flush survives a killed worker, a closed tab, a
 *   browser crash and a power loss. `'relaxed'` (an option) survives the first three only.
 * - Readwrite transactions over the same stores commit in the order they were created, so what
 *   survives a crash is always a prefix of the operations: a flush, create, delete or rename is
 *   all-or-nothing (one transaction each), and a rename replaces its target atomically.
 * - Bytes written but not flushed, and flushes whose transaction had not committed, are lost.
 * - If a transaction fails (e.g. `QuotaExceededError`), the image and the database have diverged:
 *   that `durable()` and every later one reject (`KV_QUOTA_EXCEEDED` or `KV_IO`); writes already
 *   acknowledged stay committed. The node must be reopened from the database.
 * - One `IndexedDbFileSystem` per database at a time, enforced with a Web Lock, which the browser
 *   releases when the holding worker dies.
 *
 * Costs: all files in memory (fine for a lab node; not a general-purpose store); each flush writes
 * whole 16 KiB chunks, so small appends to a log rewrite their last chunk.
 */

import {
  ByteBuffer,
  type FileHandle,
  type FileSystem,
  type KvError,
  kvError,
  type OpenOptions,
} from '@kvscope/engine';
import { asKvError, checkFileName } from './storageErrors.ts';

/** Size of the IndexedDB records holding file contents: small enough that appending a log record
 * rewrites little, large enough that an SSTable is few records. */
export const idbChunkBytes = 16_384;
/** How long `open` waits for a worker that is shutting down to release the database. */
const lockWaitMs = 2_000;
const stores = ['files', 'chunks'];

interface StoredFile {
  id: number;
  size: number;
}

interface FileImage {
  name: string;
  readonly id: number;
  readonly buffer: ByteBuffer;
  /** Chunk indexes changed since the last flush. */
  readonly dirty: Set<number>;
  /** The size the database holds for this file (as of the last flush issued). */
  persistedSize: number;
  /** Bumped when the image leaves its name (delete, overwrite by rename): old handles go stale. */
  generation: number;
}

export interface IndexedDbOpenOptions {
  durability?: 'strict' | 'relaxed';
}

export class IndexedDbFileSystem implements FileSystem {
  readonly label: string;
  private readonly files = new Map<string, FileImage>();
  private nextId = 1;
  private lastCommit: Promise<void> = Promise.resolve();
  private failure: KvError | null = null;
  private closed = false;

  private constructor(
    private readonly db: IDBDatabase,
    private readonly durability: 'strict' | 'relaxed',
    private readonly releaseLock: () => void,
    dbName: string,
  ) {
    this.label = `indexeddb:${dbName}`;
  }

  /** Opens (creating if needed) the database `dbName` and loads every file into memory. */
  static async open(dbName: string, options: IndexedDbOpenOptions = {}): Promise<IndexedDbFileSystem> {
    const releaseLock = await holdLock(`kvscope-indexeddb:${dbName}`, `indexeddb:${dbName}`);
    try {
      const db = await request(openDatabase(dbName), `open indexeddb:${dbName}`);
      const fs = new IndexedDbFileSystem(db, options.durability ?? 'strict', releaseLock, dbName);
      await fs.load();
      return fs;
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  /** Deletes the database `dbName`. It must not be open. */
  static async wipe(dbName: string): Promise<void> {
    await request(indexedDB.deleteDatabase(dbName), `wipe indexeddb:${dbName}`);
  }

  open(name: string, options: OpenOptions = {}): FileHandle {
    this.checkUsable();
    checkFileName(name);
    let image = this.files.get(name);
    if (!image) {
      if (!options.create) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
      const created: FileImage = {
        name,
        id: this.nextId++,
        buffer: new ByteBuffer(),
        dirty: new Set(),
        persistedSize: 0,
        generation: 0,
      };
      this.persist(`create ${name}`, (files) =>
        files.put({ id: created.id, size: 0 } satisfies StoredFile, name),
      );
      this.files.set(name, created);
      image = created;
    }
    return new IndexedDbFileHandle(image, this);
  }

  exists(name: string): boolean {
    this.checkUsable();
    return this.files.has(name);
  }

  list(): string[] {
    this.checkUsable();
    return [...this.files.keys()].sort();
  }

  delete(name: string): void {
    this.checkUsable();
    const image = this.files.get(name);
    if (!image) return;
    this.persist(`delete ${name}`, (files, chunks) => {
      files.delete(name);
      chunks.delete(chunkRange(image.id, 0));
    });
    this.files.delete(name);
    image.generation++;
  }

  rename(from: string, to: string): void {
    this.checkUsable();
    checkFileName(to);
    const image = this.files.get(from);
    if (!image) throw kvError('KV_NOT_FOUND', `file ${from} does not exist in ${this.label}`);
    if (from === to) return;
    const replaced = this.files.get(to);
    const stored: StoredFile = { id: image.id, size: image.persistedSize };
    this.persist(`rename ${from} to ${to}`, (files, chunks) => {
      files.delete(from);
      files.put(stored, to);
      if (replaced) chunks.delete(chunkRange(replaced.id, 0));
    });
    this.files.delete(from);
    this.files.set(to, image);
    image.name = to;
    if (replaced) replaced.generation++;
  }

  durable(): Promise<void> {
    return this.lastCommit.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** Closes the database once every pending transaction has committed, then releases the lock. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const image of this.files.values()) image.generation++;
    this.db.close();
    void this.lastCommit.finally(this.releaseLock);
  }

  /** Sends the chunks `image` dirtied since its last flush, and its size, in one transaction. */
  flushFile(image: FileImage): void {
    this.checkUsable();
    const size = image.buffer.length;
    const count = Math.ceil(size / idbChunkBytes);
    const persistedCount = Math.ceil(image.persistedSize / idbChunkBytes);
    if (image.dirty.size === 0 && size === image.persistedSize) return;
    const puts: [number, Uint8Array][] = [];
    for (const index of image.dirty) {
      if (index < count) puts.push([index, image.buffer.read(index * idbChunkBytes, idbChunkBytes)]);
    }
    image.dirty.clear();
    image.persistedSize = size;
    const { id, name } = image;
    this.persist(`flush ${name}`, (files, chunks) => {
      for (const [index, bytes] of puts) chunks.put(bytes, [id, index]);
      if (count < persistedCount) chunks.delete(chunkRange(id, count));
      files.put({ id, size } satisfies StoredFile, name);
    });
  }

  checkUsable(): void {
    if (this.closed) throw kvError('KV_CLOSED', `${this.label} is closed`);
    if (this.failure) throw this.failure;
  }

  /** Queues one readwrite transaction; `durable()` resolves after it (and all before it) commit. */
  private persist(what: string, write: (files: IDBObjectStore, chunks: IDBObjectStore) => void): void {
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction(stores, 'readwrite', { durability: this.durability });
      write(tx.objectStore('files'), tx.objectStore('chunks'));
    } catch (error) {
      this.failure ??= asKvError(error, `${what} in ${this.label}`);
      throw this.failure;
    }
    const committed = new Promise<void>((resolve) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => {
        this.failure ??= asKvError(tx.error, `${what} in ${this.label}`);
        resolve();
      };
    });
    this.lastCommit = committed;
  }

  private async load(): Promise<void> {
    const tx = this.db.transaction(stores, 'readonly');
    const files = tx.objectStore('files');
    const chunks = tx.objectStore('chunks');
    const [names, stored, chunkKeys, chunkValues] = await Promise.all([
      request(files.getAllKeys(), `load ${this.label}`),
      request(files.getAll(), `load ${this.label}`),
      request(chunks.getAllKeys(), `load ${this.label}`),
      request(chunks.getAll(), `load ${this.label}`),
    ]);
    const byId = new Map<number, FileImage>();
    names.forEach((name, i) => {
      const { id, size } = stored[i] as StoredFile;
      const image = {
        name: String(name),
        id,
        buffer: new ByteBuffer(),
        dirty: new Set<number>(),
        persistedSize: size,
        generation: 0,
      };
      this.files.set(image.name, image);
      byId.set(id, image);
      this.nextId = Math.max(this.nextId, id + 1);
    });
    chunkKeys.forEach((key, i) => {
      const [id, index] = key as [number, number];
      byId.get(id)?.buffer.write(index * idbChunkBytes, chunkValues[i] as Uint8Array);
    });
    for (const image of byId.values()) image.buffer.truncate(image.persistedSize);
  }
}

class IndexedDbFileHandle implements FileHandle {
  readonly name: string;
  private closed = false;
  private readonly generation: number;

  constructor(
    private readonly image: FileImage,
    private readonly fs: IndexedDbFileSystem,
  ) {
    this.name = image.name;
    this.generation = image.generation;
  }

  size(): number {
    return this.live().buffer.length;
  }

  read(offset: number, length: number): Uint8Array {
    return this.live().buffer.read(offset, length);
  }

  write(offset: number, data: Uint8Array): void {
    const image = this.live();
    const before = image.buffer.length;
    image.buffer.write(offset, data);
    markDirty(image, Math.min(offset, before), offset + data.length);
  }

  append(data: Uint8Array): number {
    const offset = this.live().buffer.length;
    this.write(offset, data);
    return offset;
  }

  truncate(size: number): void {
    const image = this.live();
    const before = image.buffer.length;
    image.buffer.truncate(size);
    if (size > before) markDirty(image, before, size);
    else if (size % idbChunkBytes !== 0) markDirty(image, size, size + 1); // its last chunk got shorter
  }

  flush(): void {
    this.fs.flushFile(this.live());
  }

  close(): void {
    this.closed = true;
  }

  private live(): FileImage {
    if (this.closed || this.image.generation !== this.generation) {
      throw kvError('KV_CLOSED', `file ${this.name} of ${this.fs.label} is closed`);
    }
    this.fs.checkUsable();
    return this.image;
  }
}

/** Marks the chunks holding bytes [from, to) as changed. */
function markDirty(image: FileImage, from: number, to: number): void {
  if (to <= from) return;
  const last = Math.floor((to - 1) / idbChunkBytes);
  for (let index = Math.floor(from / idbChunkBytes); index <= last; index++) image.dirty.add(index);
}

/** Every chunk of file `id` from chunk `from` on. */
function chunkRange(id: number, from: number): IDBKeyRange {
  return IDBKeyRange.bound([id, from], [id, Number.POSITIVE_INFINITY]);
}

function openDatabase(dbName: string): IDBOpenDBRequest {
  const opening = indexedDB.open(dbName, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore('files');
    opening.result.createObjectStore('chunks');
  };
  return opening;
}

function request<T>(req: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(asKvError(req.error, what));
  });
}

/** Takes the exclusive Web Lock `name` and returns the function that releases it. */
async function holdLock(name: string, label: string): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const acquired = new Promise<void>((resolve, reject) => {
    navigator.locks
      .request(name, { signal: AbortSignal.timeout(lockWaitMs) }, () => {
        resolve();
        return held;
      })
      .catch((error: unknown) =>
        reject(kvError('KV_IO', `${label} is open in another worker (waited ${lockWaitMs} ms)`, error)),
      );
  });
  await acquired;
  return release;
}
