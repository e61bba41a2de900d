/**
 * The lab's primary `FileSystem`: the Origin Private File System through synchronous access handles,
 * inside a dedicated worker (one folder per node, e.g. `kvscope/n1/`). Reads, writes and flushes are
 * synchronous calls on handles that stay open for the life of the node; `flush()` is the durability
 * point, so `durable()` is always already resolved.
 *
 * The problem: OPFS can only create a file, or obtain a sync handle on it, asynchronously, and
 * `FileSystemFileHandle.move()` is asynchronous and refuses a file whose sync handle is open
 * ("cannot be moved while it is locked", measured in Chromium 156). The engine's `open({create})`
 * and atomic `rename` must be synchronous. The choice: **physical slots and a catalog.**
 *
 *   kvscope/n1/
 *     catalog-0, catalog-1   two copies of {file name → slot number}; opfsCatalog.ts
 *     slot-1 … slot-k        physical files, each with its sync handle open; a slot the catalog
 *                            names holds that file's bytes, every other slot is a spare (empty)
 *
 * - `open` of a new file takes a spare slot and writes the catalog: synchronous.
 * - `rename` points the target name at the source's slot in one catalog write: synchronous and
 *   atomic (the catalog is two alternating checksummed copies), with no OPFS move at all.
 * - `delete` drops the name in one catalog write, then empties the slot (truncate + flush, so a
 *   crash cannot hand its old bytes to the next file) and returns it to the spares.
 * - Spares are made ahead of time, asynchronously: `OpfsFileSystem.open` fills the pool to
 *   `sparesTarget`, and whenever a take leaves it short a background refill starts. Deleted files
 *   recycle their slots, so in an LSM's steady state (tables written, tables compacted away) the
 *   pool barely moves. If the engine ever creates more files in one synchronous burst than there are
 *   spares, `open` throws `KV_IO` naming `sparesReady()`, which a driver can await before retrying.
 *
 * Rejected: an async "prepare" step (the engine's interface is synchronous and must stay so);
 * renaming spares with `move()` (async, and needs the handle closed, leaving a window in which the
 * file cannot be read); writable streams (about 100× slower on the write path, per issue 3).
 *
 * Appends are coalesced in memory until the next flush (opfsSlot.ts): each sync-handle call costs
 * ~20 µs whatever its size, so a group commit of 100 records is one write and one flush.
 *
 * The folder is opaque to a human browsing OPFS (names live in the catalog); `list()` is the truth.
 * Sync handles lock their file, so one `OpfsFileSystem` per folder at a time; a worker that was
 * just terminated may hold its locks for a moment (~1.7 s, measured), so `open` retries a locked
 * file for up to `lockWaitMs` (opfsFolder.ts).
 */

import { type FileHandle, type FileSystem, kvError, type OpenOptions } from '@kvscope/engine';
import { Catalog, type CatalogFiles, catalogCopyNames } from './opfsCatalog.ts';
import { folderAt, openSlots, syncHandleOf, whileLocked } from './opfsFolder.ts';
import { emptyFlushStats, type FlushStats, OpfsSlot } from './opfsSlot.ts';
import { asKvError, checkFileName } from './storageErrors.ts';

/** Spare slots kept ready by default: more than an LSM flush plus a compaction create at once. */
export const opfsSparesTargetDefault = 32;

export interface OpfsOpenOptions {
  /** Spare slots kept ready for files created at run time (default `opfsSparesTargetDefault`). */
  sparesTarget?: number;
}

export class OpfsFileSystem implements FileSystem {
  readonly label: string;
  /** Flushes of every slot of this folder (what a durable write costs; see opfsSlot.ts). */
  readonly flushStats: FlushStats = emptyFlushStats();
  private readonly files = new Map<string, OpfsSlot>();
  private readonly spares: OpfsSlot[] = [];
  private refilling: Promise<void> | null = null;
  /** Why the last refill failed, if it did (cleared by one that succeeds). */
  private refillFailure: unknown = null;
  private closed = false;

  private constructor(
    private readonly folder: FileSystemDirectoryHandle,
    private readonly catalog: Catalog,
    private nextSlotNumber: number,
    private readonly sparesTarget: number,
    folderPath: string,
  ) {
    this.label = `opfs:/${folderPath}`;
  }

  /** Opens (creating if needed) the folder at `folderPath` (`a/b`), with a handle on every file. */
  static async open(folderPath: string, options: OpfsOpenOptions = {}): Promise<OpfsFileSystem> {
    const label = `opfs:/${folderPath}`;
    const folder = await folderAt(folderPath, true);
    if (!folder) throw kvError('KV_IO', `cannot open ${label}`);
    const copies = await Promise.allSettled(
      catalogCopyNames.map((name) => syncHandleOf(folder, name, label)),
    );
    const [copy0, copy1] = copies.map((result) => (result.status === 'fulfilled' ? result.value : null));
    let loaded: ReturnType<typeof Catalog.load>;
    try {
      for (const result of copies) if (result.status === 'rejected') throw result.reason;
      loaded = Catalog.load([copy0!, copy1!], label);
    } catch (error) {
      copy0?.close();
      copy1?.close();
      throw error;
    }
    const slots = await openSlots(folder, label).catch((error: unknown) => {
      loaded.catalog.close();
      throw error;
    });
    const sparesTarget = options.sparesTarget ?? opfsSparesTargetDefault;
    const nextSlotNumber = Math.max(0, ...slots.keys()) + 1;
    const fs = new OpfsFileSystem(folder, loaded.catalog, nextSlotNumber, sparesTarget, folderPath);
    try {
      fs.adopt(loaded.files, slots);
      await fs.sparesReady();
    } catch (error) {
      fs.close();
      throw error;
    }
    return fs;
  }

  /** Deletes the folder at `folderPath` and everything in it. Every handle on it must be closed. */
  static async wipe(folderPath: string): Promise<void> {
    const segments = folderPath.split('/').filter(Boolean);
    const last = segments.pop();
    if (!last) throw kvError('KV_INVALID_ARGUMENT', 'refusing to wipe the OPFS root');
    const parent = await folderAt(segments.join('/'), false);
    if (!parent) return;
    try {
      // Locked while a just-closed instance finishes a refill or a terminated worker lets go.
      await whileLocked(() => parent.removeEntry(last, { recursive: true }));
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) {
        throw asKvError(error, `wipe opfs:/${folderPath}`);
      }
    }
  }

  /** Resolves when the pool of spare slots is full again (after a burst of file creations). */
  sparesReady(): Promise<void> {
    if (this.closed || this.spares.length >= this.sparesTarget) return Promise.resolve();
    this.refilling ??= this.refill().finally(() => {
      this.refilling = null;
    });
    return this.refilling;
  }

  open(name: string, options: OpenOptions = {}): FileHandle {
    this.checkOpen();
    checkFileName(name);
    const existing = this.files.get(name);
    if (existing) return new OpfsFileHandle(name, existing, this.label);
    if (!options.create) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
    const slot = this.spares[this.spares.length - 1];
    if (!slot) {
      void this.sparesReady().catch(() => {});
      // A refill that failed says why (a full quota is KV_QUOTA_EXCEEDED); else it is still running.
      if (this.refillFailure) throw asKvError(this.refillFailure, `create ${name} in ${this.label}`);
      throw kvError(
        'KV_IO',
        `no spare file is ready in ${this.label} to create ${name}; await sparesReady()`,
      );
    }
    const next = new Map(this.names());
    next.set(name, slot.number);
    this.guard(`create ${name}`, () => {
      if (slot.size !== 0) slot.empty();
      this.catalog.write(next);
    });
    this.spares.pop();
    this.files.set(name, slot);
    if (this.spares.length < this.sparesTarget) void this.sparesReady().catch(() => {});
    return new OpfsFileHandle(name, slot, this.label);
  }

  exists(name: string): boolean {
    this.checkOpen();
    return this.files.has(name);
  }

  list(): string[] {
    this.checkOpen();
    return [...this.files.keys()].sort();
  }

  delete(name: string): void {
    this.checkOpen();
    const slot = this.files.get(name);
    if (!slot) return;
    const next = new Map(this.names());
    next.delete(name);
    this.guard(`delete ${name}`, () => this.catalog.write(next));
    this.files.delete(name);
    this.recycle(slot);
  }

  rename(from: string, to: string): void {
    this.checkOpen();
    checkFileName(to);
    const slot = this.files.get(from);
    if (!slot) throw kvError('KV_NOT_FOUND', `file ${from} does not exist in ${this.label}`);
    if (from === to) return;
    const replaced = this.files.get(to);
    const next = new Map(this.names());
    next.delete(from);
    next.set(to, slot.number);
    this.guard(`rename ${from} to ${to}`, () => this.catalog.write(next));
    this.files.delete(from);
    this.files.set(to, slot);
    if (replaced) this.recycle(replaced);
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  /** Releases every sync handle, so another worker (or a later `open`) can take the folder. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of [...this.files.values(), ...this.spares]) {
      slot.generation++;
      try {
        slot.close();
      } catch {
        // Only unflushed appends could be lost here, which a crash may lose too.
      }
    }
    this.files.clear();
    this.spares.length = 0;
    this.catalog.close();
  }

  /** Takes every slot (named ones as files, the rest as spares), then checks none is missing. */
  private adopt(files: CatalogFiles, slots: Map<number, FileSystemSyncAccessHandle>): void {
    const nameOf = new Map([...files].map(([name, number]) => [number, name]));
    for (const [number, handle] of slots) {
      const name = nameOf.get(number);
      if (name === undefined) this.spares.push(new OpfsSlot(number, handle, this.flushStats));
      else this.files.set(name, new OpfsSlot(number, handle, this.flushStats));
    }
    for (const [name, number] of files) {
      if (!slots.has(number)) {
        throw kvError('KV_CORRUPTION', `file ${name} of ${this.label} lost its slot-${number}`);
      }
    }
  }

  private async refill(): Promise<void> {
    while (!this.closed && this.spares.length < this.sparesTarget) {
      const numbers = Array.from(
        { length: this.sparesTarget - this.spares.length },
        () => this.nextSlotNumber++,
      );
      const opened = await Promise.allSettled(
        numbers.map((n) => syncHandleOf(this.folder, `slot-${n}`, this.label)),
      );
      let failure: unknown = null;
      opened.forEach((result, i) => {
        if (result.status === 'rejected') failure ??= result.reason;
        else if (this.closed) result.value.close();
        else this.spares.push(new OpfsSlot(numbers[i]!, result.value, this.flushStats));
      });
      this.refillFailure = failure;
      if (failure) throw failure;
    }
  }

  private recycle(slot: OpfsSlot): void {
    slot.generation++;
    this.guard(`empty slot-${slot.number}`, () => slot.empty());
    this.spares.push(slot);
  }

  private names(): CatalogFiles {
    const names: CatalogFiles = new Map();
    for (const [name, slot] of this.files) names.set(name, slot.number);
    return names;
  }

  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      throw asKvError(error, `${what} in ${this.label}`);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw kvError('KV_CLOSED', `${this.label} is closed`);
  }
}

class OpfsFileHandle implements FileHandle {
  private closed = false;
  private readonly generation: number;

  constructor(
    readonly name: string,
    private readonly slot: OpfsSlot,
    private readonly label: string,
  ) {
    this.generation = slot.generation;
  }

  size(): number {
    return this.live().size;
  }

  read(offset: number, length: number): Uint8Array {
    const slot = this.live();
    return this.io('read', () => slot.read(offset, length));
  }

  write(offset: number, data: Uint8Array): void {
    const slot = this.live();
    this.io('write', () => slot.write(offset, data));
  }

  append(data: Uint8Array): number {
    const slot = this.live();
    const offset = slot.size;
    this.io('append', () => slot.write(offset, data));
    return offset;
  }

  truncate(size: number): void {
    const slot = this.live();
    this.io('truncate', () => slot.truncate(size));
  }

  flush(): void {
    const slot = this.live();
    this.io('flush', () => slot.flush());
  }

  close(): void {
    this.closed = true;
  }

  private live(): OpfsSlot {
    if (this.closed || this.slot.generation !== this.generation) {
      throw kvError('KV_CLOSED', `file ${this.name} of ${this.label} is closed`);
    }
    return this.slot;
  }

  private io<T>(what: string, action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw asKvError(error, `${what} ${this.name} in ${this.label}`);
    }
  }
}
