/**
 * An in-memory `FileSystem`: the simulator's and the tests' backend. Every write is immediately
 * "durable" (there is no crash to survive in memory except the one the faulty backend simulates on
 * top of this). Files live in a Map of growable byte buffers.
 */

import { kvError } from '../../errors.ts';
import { type FileHandle, type FileSystem, isValidFileName, type OpenOptions } from './fileSystem.ts';

/** A growable byte buffer: capacity doubles so appends are amortised O(1). */
export class ByteBuffer {
  private bytes = new Uint8Array(256);
  length = 0;

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.length, offset + length);
    return offset >= end ? new Uint8Array(0) : this.bytes.slice(offset, end);
  }

  write(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    this.reserve(end);
    if (offset > this.length) this.bytes.fill(0, this.length, offset);
    this.bytes.set(data, offset);
    this.length = Math.max(this.length, end);
  }

  truncate(size: number): void {
    this.reserve(size);
    if (size > this.length) this.bytes.fill(0, this.length, size);
    this.length = size;
  }

  clone(): ByteBuffer {
    const copy = new ByteBuffer();
    copy.write(0, this.view());
    return copy;
  }

  private reserve(size: number): void {
    if (size <= this.bytes.length) return;
    let capacity = this.bytes.length;
    while (capacity < size) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

function checkName(name: string): void {
  if (!isValidFileName(name)) throw kvError('KV_INVALID_ARGUMENT', `"${name}" is not a valid file name`);
}

class MemoryFileHandle implements FileHandle {
  private closed = false;
  constructor(
    readonly name: string,
    private readonly buffer: ByteBuffer,
  ) {}

  size(): number {
    this.checkOpen();
    return this.buffer.length;
  }
  read(offset: number, length: number): Uint8Array {
    this.checkOpen();
    return this.buffer.read(offset, length);
  }
  write(offset: number, data: Uint8Array): void {
    this.checkOpen();
    this.buffer.write(offset, data);
  }
  append(data: Uint8Array): number {
    this.checkOpen();
    const offset = this.buffer.length;
    this.buffer.write(offset, data);
    return offset;
  }
  truncate(size: number): void {
    this.checkOpen();
    this.buffer.truncate(size);
  }
  flush(): void {
    this.checkOpen();
  }
  close(): void {
    this.closed = true;
  }
  private checkOpen(): void {
    if (this.closed) throw kvError('KV_CLOSED', `file ${this.name} is closed`);
  }
}

export class MemoryFileSystem implements FileSystem {
  /** `files` may be shared by several instances: that is "the same disk, opened again". */
  constructor(
    readonly label = 'memory',
    readonly files = new Map<string, ByteBuffer>(),
  ) {}

  open(name: string, options: OpenOptions = {}): FileHandle {
    checkName(name);
    let buffer = this.files.get(name);
    if (!buffer) {
      if (!options.create) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
      buffer = new ByteBuffer();
      this.files.set(name, buffer);
    }
    return new MemoryFileHandle(name, buffer);
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  list(): string[] {
    return [...this.files.keys()].sort();
  }

  delete(name: string): void {
    this.files.delete(name);
  }

  rename(from: string, to: string): void {
    checkName(to);
    const buffer = this.files.get(from);
    if (!buffer) throw kvError('KV_NOT_FOUND', `file ${from} does not exist in ${this.label}`);
    this.files.delete(from);
    this.files.set(to, buffer);
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }
}
