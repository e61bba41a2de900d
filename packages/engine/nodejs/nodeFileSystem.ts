/**
 * The `FileSystem` over Node's `fs` (the headless runner and the benchmarks): one folder, one flat
 * namespace, synchronous calls on file descriptors. `flush()` is `fdatasync`; creating and renaming a
 * file also fsync the folder, because a new or renamed directory entry is not durable until its
 * directory is (the step LevelDB's `SyncDirIfManifest` exists for). ENOSPC/EDQUOT become
 * `KV_QUOTA_EXCEEDED`; any other failure is `KV_IO` with the system error as its cause.
 */

import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type FileHandle,
  type FileSystem,
  formatBytes,
  isValidFileName,
  type KvError,
  kvError,
  type OpenOptions,
} from '../src/index.ts';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(error: unknown, what: string): KvError {
  const code = errorCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return kvError('KV_QUOTA_EXCEEDED', `${what}: the disk is full`, error);
  return kvError('KV_IO', `${what} failed (${code ?? String(error)})`, error);
}

class NodeFileHandle implements FileHandle {
  private fd: number | null;
  private length: number;

  constructor(
    readonly name: string,
    fd: number,
  ) {
    this.fd = fd;
    this.length = fstatSync(fd).size;
  }

  size(): number {
    this.open();
    return this.length;
  }

  read(offset: number, length: number): Uint8Array {
    const fd = this.open();
    const want = Math.max(0, Math.min(length, this.length - offset));
    const out = new Uint8Array(want);
    let done = 0;
    try {
      while (done < want) {
        const n = readSync(fd, out, done, want - done, offset + done);
        if (n === 0) break;
        done += n;
      }
    } catch (error) {
      throw ioError(error, `reading ${this.name} at ${offset}`);
    }
    return done === want ? out : out.subarray(0, done);
  }

  write(offset: number, data: Uint8Array): void {
    const fd = this.open();
    let done = 0;
    try {
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    } catch (error) {
      throw ioError(error, `writing ${formatBytes(data.length)} to ${this.name} at ${offset}`);
    }
    this.length = Math.max(this.length, offset + data.length);
  }

  append(data: Uint8Array): number {
    const offset = this.size();
    this.write(offset, data);
    return offset;
  }

  truncate(size: number): void {
    const fd = this.open();
    try {
      ftruncateSync(fd, size);
    } catch (error) {
      throw ioError(error, `truncating ${this.name} to ${size}`);
    }
    this.length = size;
  }

  flush(): void {
    const fd = this.open();
    try {
      fdatasyncSync(fd);
    } catch (error) {
      throw ioError(error, `flushing ${this.name}`);
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  private open(): number {
    if (this.fd === null) throw kvError('KV_CLOSED', `file ${this.name} is closed`);
    return this.fd;
  }
}

export interface NodeFileSystemOptions {
  /** fsync the folder after creating or renaming a file (default true; off only for benchmarks of the peer's mode). */
  syncDirectory?: boolean;
}

export class NodeFileSystem implements FileSystem {
  readonly label: string;
  private readonly syncDirectory: boolean;

  constructor(
    readonly directory: string,
    options: NodeFileSystemOptions = {},
  ) {
    mkdirSync(directory, { recursive: true });
    this.label = `node:${directory}`;
    this.syncDirectory = options.syncDirectory ?? true;
  }

  open(name: string, options: OpenOptions = {}): FileHandle {
    const path = this.path(name);
    try {
      return new NodeFileHandle(name, openSync(path, 'r+'));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw ioError(error, `opening ${name}`);
    }
    if (!options.create) throw kvError('KV_NOT_FOUND', `file ${name} does not exist in ${this.label}`);
    let fd: number;
    try {
      fd = openSync(path, 'w+');
    } catch (error) {
      throw ioError(error, `creating ${name}`);
    }
    this.fsyncDirectory();
    return new NodeFileHandle(name, fd);
  }

  exists(name: string): boolean {
    if (!isValidFileName(name)) return false;
    try {
      closeSync(openSync(this.path(name), 'r'));
      return true;
    } catch {
      return false;
    }
  }

  list(): string[] {
    return readdirSync(this.directory)
      .filter((name) => isValidFileName(name))
      .sort();
  }

  delete(name: string): void {
    try {
      unlinkSync(this.path(name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw ioError(error, `deleting ${name}`);
    }
  }

  rename(from: string, to: string): void {
    const target = this.path(to);
    if (!this.exists(from)) throw kvError('KV_NOT_FOUND', `file ${from} does not exist in ${this.label}`);
    try {
      renameSync(this.path(from), target);
    } catch (error) {
      throw ioError(error, `renaming ${from} to ${to}`);
    }
    this.fsyncDirectory();
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  private path(name: string): string {
    if (!isValidFileName(name)) throw kvError('KV_INVALID_ARGUMENT', `"${name}" is not a valid file name`);
    return join(this.directory, name);
  }

  private fsyncDirectory(): void {
    if (!this.syncDirectory) return;
    const fd = openSync(this.directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
