/**
 * A fault-injecting in-memory `FileSystem`, after leveldb's `fault_injection_test.cc`: it keeps, per
 * file, the bytes the "OS" has (volatile) apart from the bytes on the "platter" (durable, as of the
 * last `flush()`), with the unsynced writes in between, so it can simulate
 *
 *   crash('process')   the process dies: handles close, every written byte survives (the OS has it);
 *   crash('power')     the machine dies: unsynced writes are lost — all of them ('drop'), all but a
 *                      torn last one ('tear'), or a seeded random prefix per file, torn ('random');
 *   flipBit(file, at)  media damage under a checksum;
 *   quotaBytes         a full disk: growing past it throws KV_QUOTA_EXCEEDED and changes nothing.
 *
 *          write/append/truncate            flush()
 *   volatile ────────────────▶ pending ──────────────▶ durable
 *
 * Names (create, rename, delete) are durable at once and rename is atomic: the model of a journaling
 * file system. A renamed file carries its own durable bytes, so renaming an unflushed file and losing
 * power leaves the target short — the bug this backend exists to catch.
 *
 * With `recordTrace`, every mutation is appended to `trace` as plain data; `replayOperations` rebuilds
 * the disk as it was after any prefix of it, which is how the crash-point test (T9) visits every
 * crash point of a workload.
 */

import { assert } from '../../assert.ts';
import { formatBytes, kvError } from '../../errors.ts';
import { Rng } from '../../random/rng.ts';
import { type FileHandle, type FileSystem, isValidFileName, type OpenOptions } from './fileSystem.ts';
import { ByteBuffer } from './memoryFileSystem.ts';

export type FsOperation =
  | { op: 'create'; file: string }
  | { op: 'write'; file: string; offset: number; data: Uint8Array }
  | { op: 'truncate'; file: string; size: number }
  | { op: 'flush'; file: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'delete'; file: string };

/** How a power loss treats unsynced writes (see the header). */
export type PowerLossMode = 'drop' | 'tear' | 'random';

type PendingChange = { kind: 'write'; offset: number; data: Uint8Array } | { kind: 'truncate'; size: number };

interface Inode {
  volatile: ByteBuffer;
  durable: ByteBuffer;
  pending: PendingChange[];
}

export interface FaultyFileSystemOptions {
  label?: string;
  /** Decides what a random power loss keeps; default a fixed seed. */
  rng?: Rng;
  recordTrace?: boolean;
  /** Total bytes all files may hold; null for no limit. */
  quotaBytes?: number | null;
}

function applyChange(buffer: ByteBuffer, change: PendingChange): void {
  if (change.kind === 'write') buffer.write(change.offset, change.data);
  else buffer.truncate(change.size);
}

class FaultyFileHandle implements FileHandle {
  private closed = false;
  constructor(
    readonly name: string,
    private readonly inode: Inode,
    private readonly owner: FaultyFileSystem,
    private readonly epoch: number,
  ) {}

  size(): number {
    this.checkOpen();
    return this.inode.volatile.length;
  }
  read(offset: number, length: number): Uint8Array {
    this.checkOpen();
    return this.inode.volatile.read(offset, length);
  }
  write(offset: number, data: Uint8Array): void {
    this.checkOpen();
    this.owner.change(this.name, this.inode, { kind: 'write', offset, data: data.slice() });
  }
  append(data: Uint8Array): number {
    const offset = this.size();
    this.write(offset, data);
    return offset;
  }
  truncate(size: number): void {
    this.checkOpen();
    this.owner.change(this.name, this.inode, { kind: 'truncate', size });
  }
  flush(): void {
    this.checkOpen();
    this.owner.flushInode(this.name, this.inode);
  }
  close(): void {
    this.closed = true;
  }
  private checkOpen(): void {
    if (this.closed || this.epoch !== this.owner.epoch) {
      throw kvError('KV_CLOSED', `file ${this.name} is closed`);
    }
  }
}

export class FaultyFileSystem implements FileSystem {
  readonly label: string;
  readonly trace: FsOperation[] = [];
  quotaBytes: number | null;
  /** Bumped by every crash: handles of an older epoch are closed. */
  epoch = 0;
  private readonly files = new Map<string, Inode>();
  private readonly rng: Rng;
  private readonly recordTrace: boolean;

  constructor(options: FaultyFileSystemOptions = {}) {
    this.label = options.label ?? 'faulty';
    this.rng = options.rng ?? new Rng(0, 'faulty-disk');
    this.recordTrace = options.recordTrace ?? false;
    this.quotaBytes = options.quotaBytes ?? null;
  }

  open(name: string, options: OpenOptions = {}): FileHandle {
    this.checkName(name);
    let inode = this.files.get(name);
    if (!inode) {
      if (!options.create) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
      inode = { volatile: new ByteBuffer(), durable: new ByteBuffer(), pending: [] };
      this.files.set(name, inode);
      this.record({ op: 'create', file: name });
    }
    return new FaultyFileHandle(name, inode, this, this.epoch);
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  list(): string[] {
    return [...this.files.keys()].sort();
  }

  delete(name: string): void {
    if (!this.files.delete(name)) return;
    this.record({ op: 'delete', file: name });
  }

  rename(from: string, to: string): void {
    this.checkName(to);
    const inode = this.files.get(from);
    if (!inode) throw kvError('KV_NOT_FOUND', `file ${from} does not exist in ${this.label}`);
    this.files.delete(from);
    this.files.set(to, inode);
    this.record({ op: 'rename', from, to });
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  /** Simulates a crash; see the header. Every open handle is closed afterwards. */
  crash(kind: 'process' | 'power', mode: PowerLossMode = 'random'): void {
    this.epoch++;
    if (kind === 'process') return;
    const lastFile = mode === 'tear' ? this.lastPendingFile() : undefined;
    for (const [name, inode] of this.files) {
      const keep = this.pendingKept(inode, mode, name === lastFile);
      const volatile = inode.durable.clone();
      for (const change of inode.pending.slice(0, keep.count)) applyChange(volatile, change);
      const torn = inode.pending[keep.count];
      if (keep.tornBytes > 0 && torn?.kind === 'write') {
        volatile.write(torn.offset, torn.data.subarray(0, keep.tornBytes));
      }
      inode.volatile = volatile;
      inode.durable = volatile.clone();
      inode.pending = [];
    }
  }

  /** Flips one bit of a file's stored bytes (volatile and durable): damage a checksum must catch. */
  flipBit(name: string, offset: number, bit = 0): void {
    const inode = this.files.get(name);
    if (!inode) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
    assert(offset < inode.volatile.length, `flipBit at ${offset} past the end of ${name}`);
    for (const buffer of [inode.volatile, inode.durable]) {
      if (offset >= buffer.length) continue;
      const view = buffer.view();
      view[offset] = (view[offset] as number) ^ (1 << bit);
    }
  }

  /** Bytes written to `name` but not yet flushed (an upper bound: overlapping writes count twice). */
  unsyncedBytes(name: string): number {
    const inode = this.files.get(name);
    if (!inode) return 0;
    return inode.pending.reduce((sum, c) => sum + (c.kind === 'write' ? c.data.length : 0), 0);
  }

  totalBytes(): number {
    let total = 0;
    for (const inode of this.files.values()) total += inode.volatile.length;
    return total;
  }

  /** @internal Called by handles: applies a change to the volatile bytes and queues it. */
  change(name: string, inode: Inode, change: PendingChange): void {
    this.checkQuota(inode, change);
    applyChange(inode.volatile, change);
    inode.pending.push(change);
    if (change.kind === 'write')
      this.record({ op: 'write', file: name, offset: change.offset, data: change.data });
    else this.record({ op: 'truncate', file: name, size: change.size });
  }

  /** @internal Called by handles: the pending changes reach the durable bytes. */
  flushInode(name: string, inode: Inode): void {
    for (const change of inode.pending) applyChange(inode.durable, change);
    inode.pending = [];
    this.record({ op: 'flush', file: name });
  }

  private pendingKept(
    inode: Inode,
    mode: PowerLossMode,
    isLast: boolean,
  ): { count: number; tornBytes: number } {
    const n = inode.pending.length;
    if (mode === 'drop' || n === 0) return { count: 0, tornBytes: 0 };
    if (mode === 'tear') {
      if (!isLast) return { count: n, tornBytes: 0 };
      const last = inode.pending[n - 1] as PendingChange;
      const half = last.kind === 'write' ? last.data.length >> 1 : 0;
      return { count: n - 1, tornBytes: half };
    }
    const count = this.rng.int(n + 1);
    const next = inode.pending[count];
    const tornBytes = next?.kind === 'write' && next.data.length > 1 ? this.rng.int(next.data.length) : 0;
    return { count, tornBytes };
  }

  /** The file whose pending changes include the most recent write in the trace order. */
  private lastPendingFile(): string | undefined {
    for (let i = this.trace.length - 1; i >= 0; i--) {
      const op = this.trace[i] as FsOperation;
      if (op.op === 'write' && (this.files.get(op.file)?.pending.length ?? 0) > 0) return op.file;
    }
    for (const [name, inode] of this.files) if (inode.pending.length > 0) return name;
    return undefined;
  }

  private checkQuota(inode: Inode, change: PendingChange): void {
    if (this.quotaBytes === null) return;
    const end = change.kind === 'write' ? change.offset + change.data.length : change.size;
    const growth = Math.max(0, end - inode.volatile.length);
    const total = this.totalBytes();
    if (growth > 0 && total + growth > this.quotaBytes) {
      throw kvError(
        'KV_QUOTA_EXCEEDED',
        `${this.label} holds ${formatBytes(total)}; writing ${formatBytes(growth)} more exceeds the quota of ${formatBytes(this.quotaBytes)}`,
      );
    }
  }

  private checkName(name: string): void {
    if (!isValidFileName(name)) throw kvError('KV_INVALID_ARGUMENT', `"${name}" is not a valid file name`);
  }

  private record(operation: FsOperation): void {
    if (this.recordTrace) this.trace.push(operation);
  }
}

/** A disk rebuilt from the first operations of a trace: the state at one crash point (T9). */
export function replayOperations(
  operations: readonly FsOperation[],
  options: FaultyFileSystemOptions = {},
): FaultyFileSystem {
  const fs = new FaultyFileSystem({ ...options, recordTrace: true });
  for (const operation of operations) {
    if (operation.op === 'rename') fs.rename(operation.from, operation.to);
    else if (operation.op === 'delete') fs.delete(operation.file);
    else {
      const handle = fs.open(operation.file, { create: true });
      if (operation.op === 'write') handle.write(operation.offset, operation.data);
      else if (operation.op === 'truncate') handle.truncate(operation.size);
      else if (operation.op === 'flush') handle.flush();
      handle.close();
    }
  }
  return fs;
}
