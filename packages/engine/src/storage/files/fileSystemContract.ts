/**
 * The executable contract of `FileSystem` (fileSystem.ts): one list of cases that every backend —
 * memory, faulty, Node fs, OPFS, IndexedDB — must pass. After abstract-level's shared test suite and
 * leveldb's `env_test`.
 *
 * The cases are plain engine code (no test framework) so they can run where vitest's `it` cannot:
 * inside a dedicated Worker, where OPFS sync access handles live. Each case throws an `Error` with a
 * clear message on failure. The vitest wrapper is `testing/fileSystemContract.ts`.
 *
 * `open` may be called more than once in a case: each call returns a fresh `FileSystem` over the
 * SAME underlying storage (a folder, a database), which is how "flushed data survives" is checked.
 * The caller empties that storage before each case. Every case closes every handle it opens, so a
 * backend with exclusive handles (OPFS) can open the files again from a second instance.
 */

import { sameBytes } from '../../bytes.ts';
import { isKvError, type KvErrorCode } from '../../errors.ts';
import type { FileHandle, FileSystem } from './fileSystem.ts';

export type OpenFileSystem = () => FileSystem | Promise<FileSystem>;

export interface FileSystemContractCase {
  readonly name: string;
  run(open: OpenFileSystem): void | Promise<void>;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`file-system contract: ${message}`);
}

function checkThrows(code: KvErrorCode, what: string, action: () => unknown): void {
  try {
    action();
  } catch (error) {
    check(
      isKvError(error) && error.code === code,
      `${what} should throw ${code}, threw ${isKvError(error) ? error.code : String(error)}`,
    );
    return;
  }
  throw new Error(`file-system contract: ${what} should throw ${code}, but returned`);
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** `length` bytes of a pattern that differs at every offset within 251 bytes (251 is prime). */
function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i + seed) % 251;
  return out;
}

function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (sameBytes(actual, expected)) return;
  const show = (b: Uint8Array) =>
    `[${Array.from(b.subarray(0, 16)).join(',')}${b.length > 16 ? ',…' : ''}] (${b.length} bytes)`;
  throw new Error(`file-system contract: ${what}: got ${show(actual)}, expected ${show(expected)}`);
}

/** Opens (creating) `name`, writes `data` at 0, flushes and closes it. */
function writeFile(fs: FileSystem, name: string, data: Uint8Array): void {
  const handle = fs.open(name, { create: true });
  handle.write(0, data);
  handle.flush();
  handle.close();
}

function readAll(fs: FileSystem, name: string): Uint8Array {
  const handle = fs.open(name);
  try {
    return handle.read(0, handle.size());
  } finally {
    handle.close();
  }
}

/** Opens a fresh instance after the previous one made everything durable. */
async function reopen(previous: FileSystem, open: OpenFileSystem): Promise<FileSystem> {
  await previous.durable();
  return await open();
}

function withHandle(fs: FileSystem, name: string, body: (handle: FileHandle) => void): void {
  const handle = fs.open(name, { create: true });
  try {
    body(handle);
  } finally {
    handle.close();
  }
}

export const fileSystemContractCases: readonly FileSystemContractCase[] = [
  {
    name: 'open creates a file only when asked; a missing file is KV_NOT_FOUND',
    async run(open) {
      const fs = await open();
      check(!fs.exists('a.log'), 'a fresh storage has no a.log');
      checkThrows('KV_NOT_FOUND', 'open of a missing file without create', () => fs.open('a.log'));
      check(!fs.exists('a.log'), 'a failed open creates nothing');
      withHandle(fs, 'a.log', (handle) => {
        check(handle.name === 'a.log', `handle.name is ${handle.name}`);
        check(handle.size() === 0, 'a new file is empty');
      });
      check(fs.exists('a.log'), 'open with create makes the file exist');
      const again = fs.open('a.log');
      check(again.size() === 0, 'reopening an existing file keeps it');
      again.close();
    },
  },
  {
    name: 'read returns the bytes at an offset, fewer at the end, none past it',
    async run(open) {
      const fs = await open();
      withHandle(fs, 'r.dat', (handle) => {
        handle.write(0, pattern(100));
        checkBytes(handle.read(10, 5), pattern(100).subarray(10, 15), 'read(10, 5)');
        checkBytes(handle.read(95, 10), pattern(100).subarray(95), 'short read at the end');
        checkBytes(handle.read(100, 10), new Uint8Array(0), 'read at the end');
        checkBytes(handle.read(500, 10), new Uint8Array(0), 'read past the end');
        checkBytes(handle.read(0, 0), new Uint8Array(0), 'zero-length read');
      });
    },
  },
  {
    name: 'write overwrites in place and extends past the end with zeros',
    async run(open) {
      const fs = await open();
      withHandle(fs, 'w.dat', (handle) => {
        handle.write(0, bytes(1, 2, 3, 4));
        handle.write(1, bytes(9, 9));
        check(handle.size() === 4, `an overwrite keeps the size (got ${handle.size()})`);
        checkBytes(handle.read(0, 4), bytes(1, 9, 9, 4), 'overwritten bytes');
        handle.write(8, bytes(7));
        check(handle.size() === 9, `writing past the end extends the file (got ${handle.size()})`);
        checkBytes(handle.read(0, 9), bytes(1, 9, 9, 4, 0, 0, 0, 0, 7), 'the gap reads as zeros');
      });
    },
  },
  {
    name: 'append writes at the end and returns the offset it wrote at',
    async run(open) {
      const fs = await open();
      withHandle(fs, 'a.log', (handle) => {
        check(handle.append(bytes(1, 2, 3)) === 0, 'the first append is at 0');
        check(handle.append(bytes(4)) === 3, 'the second append is at 3');
        handle.write(10, bytes(5));
        check(handle.append(bytes(6, 7)) === 11, 'append after a write past the end is at the new end');
        check(handle.size() === 13, `size after appends is 13 (got ${handle.size()})`);
        checkBytes(handle.read(0, 4), bytes(1, 2, 3, 4), 'appended bytes');
        checkBytes(handle.read(11, 2), bytes(6, 7), 'bytes appended at the new end');
      });
    },
  },
  {
    name: 'truncate shrinks a file and grows it with zeros',
    async run(open) {
      const fs = await open();
      withHandle(fs, 't.dat', (handle) => {
        handle.write(0, pattern(10));
        handle.truncate(4);
        check(handle.size() === 4, `truncate(4) leaves 4 bytes (got ${handle.size()})`);
        checkBytes(handle.read(0, 10), pattern(4), 'bytes kept by a shrink');
        handle.truncate(6);
        checkBytes(handle.read(0, 10), bytes(0, 1, 2, 3, 0, 0), 'a grow adds zeros, not old bytes');
        check(handle.append(bytes(42)) === 6, 'append continues at the truncated size');
        handle.truncate(0);
        check(handle.size() === 0, 'truncate(0) empties the file');
      });
    },
  },
  {
    name: 'size counts every written byte, flushed or not',
    async run(open) {
      const fs = await open();
      withHandle(fs, 's.dat', (handle) => {
        handle.append(pattern(1000));
        check(handle.size() === 1000, `size before flush is 1000 (got ${handle.size()})`);
        handle.flush();
        check(handle.size() === 1000, `size after flush is 1000 (got ${handle.size()})`);
      });
      const reopened = fs.open('s.dat');
      check(reopened.size() === 1000, 'a reopened handle reports the same size');
      reopened.close();
    },
  },
  {
    name: 'list returns every file name, sorted',
    async run(open) {
      const fs = await open();
      check(fs.list().length === 0, `a fresh storage lists nothing (got ${fs.list().join(', ')})`);
      for (const name of ['b.sst', 'MANIFEST', 'a.log', '000010.sst', '000002.sst']) {
        writeFile(fs, name, bytes(1));
      }
      const listed = fs.list().join(' ');
      check(listed === '000002.sst 000010.sst MANIFEST a.log b.sst', `list() gave ${listed}`);
    },
  },
  {
    name: 'delete removes a file; deleting a missing file is a no-op',
    async run(open) {
      const fs = await open();
      writeFile(fs, 'gone.sst', pattern(10));
      writeFile(fs, 'kept.sst', pattern(10));
      fs.delete('gone.sst');
      check(!fs.exists('gone.sst'), 'a deleted file does not exist');
      check(fs.list().join() === 'kept.sst', `list after delete is ${fs.list().join()}`);
      checkThrows('KV_NOT_FOUND', 'open of a deleted file', () => fs.open('gone.sst'));
      fs.delete('gone.sst');
      withHandle(fs, 'gone.sst', (handle) => check(handle.size() === 0, 'a recreated file starts empty'));
    },
  },
  {
    name: 'rename moves a file and replaces an existing target',
    async run(open) {
      const fs = await open();
      writeFile(fs, 'MANIFEST', bytes(1, 1, 1, 1, 1, 1));
      writeFile(fs, 'MANIFEST.tmp', bytes(2, 2));
      fs.rename('MANIFEST.tmp', 'MANIFEST');
      check(!fs.exists('MANIFEST.tmp'), 'the source of a rename is gone');
      checkBytes(
        readAll(fs, 'MANIFEST'),
        bytes(2, 2),
        'the target holds the new content, nothing of the old',
      );
      fs.rename('MANIFEST', 'CURRENT');
      check(fs.list().join() === 'CURRENT', `list after a plain rename is ${fs.list().join()}`);
      checkThrows('KV_NOT_FOUND', 'rename of a missing file', () => fs.rename('missing', 'other'));
      const second = await reopen(fs, open);
      checkBytes(readAll(second, 'CURRENT'), bytes(2, 2), 'a renamed file as seen by a second instance');
    },
  },
  {
    name: 'flushed data is seen by a second instance over the same storage',
    async run(open) {
      const fs = await open();
      withHandle(fs, 'data.log', (handle) => {
        handle.append(pattern(300));
        handle.write(1000, bytes(9));
        handle.truncate(900);
        handle.flush();
      });
      writeFile(fs, 'other.sst', pattern(50, 7));
      const second = await reopen(fs, open);
      check(second.list().join() === 'data.log,other.sst', `second instance lists ${second.list().join()}`);
      const expected = new Uint8Array(900);
      expected.set(pattern(300));
      checkBytes(readAll(second, 'data.log'), expected, 'data.log from a second instance');
      checkBytes(readAll(second, 'other.sst'), pattern(50, 7), 'other.sst from a second instance');
    },
  },
  {
    name: 'a closed handle refuses work with KV_CLOSED; closing twice is harmless',
    async run(open) {
      const fs = await open();
      const handle = fs.open('c.dat', { create: true });
      handle.append(bytes(1, 2));
      handle.close();
      handle.close();
      checkThrows('KV_CLOSED', 'size() after close', () => handle.size());
      checkThrows('KV_CLOSED', 'read() after close', () => handle.read(0, 1));
      checkThrows('KV_CLOSED', 'write() after close', () => handle.write(0, bytes(1)));
      checkThrows('KV_CLOSED', 'append() after close', () => handle.append(bytes(1)));
      checkThrows('KV_CLOSED', 'truncate() after close', () => handle.truncate(0));
      checkThrows('KV_CLOSED', 'flush() after close', () => handle.flush());
      checkBytes(readAll(fs, 'c.dat'), bytes(1, 2), 'the file is intact after its handle closed');
    },
  },
  {
    name: 'invalid file names are refused with KV_INVALID_ARGUMENT',
    async run(open) {
      const fs = await open();
      for (const name of ['', 'a/b', '../x', '.', '..', 'a b', 'ä.log', 'x'.repeat(129)]) {
        checkThrows('KV_INVALID_ARGUMENT', `open("${name.slice(0, 20)}", create)`, () =>
          fs.open(name, { create: true }),
        );
      }
      writeFile(fs, 'ok.sst', bytes(1));
      checkThrows('KV_INVALID_ARGUMENT', 'rename to "a/b"', () => fs.rename('ok.sst', 'a/b'));
      check(fs.list().join() === 'ok.sst', `invalid names leave no files behind (list: ${fs.list().join()})`);
    },
  },
  {
    name: 'read returns a copy and write copies its input',
    async run(open) {
      const fs = await open();
      withHandle(fs, 'copy.dat', (handle) => {
        const input = bytes(1, 2, 3);
        handle.append(input);
        input[0] = 99;
        const first = handle.read(0, 3);
        first[1] = 99;
        checkBytes(handle.read(0, 3), bytes(1, 2, 3), 'file bytes after mutating the input and the output');
      });
    },
  },
  {
    name: 'a 1 MiB file round-trips whole and in pieces',
    async run(open) {
      const fs = await open();
      const big = pattern(1 << 20, 3);
      withHandle(fs, 'big.sst', (handle) => {
        handle.write(0, big);
        handle.flush();
        check(handle.size() === 1 << 20, `size is 1 MiB (got ${handle.size()})`);
        checkBytes(handle.read(123_457, 4096), big.subarray(123_457, 123_457 + 4096), 'a 4 KiB piece');
      });
      const second = await reopen(fs, open);
      checkBytes(readAll(second, 'big.sst'), big, 'the whole 1 MiB file from a second instance');
    },
  },
  {
    name: 'many small appends land back to back',
    async run(open) {
      const fs = await open();
      const records: Uint8Array[] = [];
      let expectedOffset = 0;
      withHandle(fs, 'many.log', (handle) => {
        for (let i = 0; i < 2000; i++) {
          const record = pattern(1 + (i % 37), i);
          records.push(record);
          const offset = handle.append(record);
          check(offset === expectedOffset, `append ${i} at ${offset}, expected ${expectedOffset}`);
          expectedOffset += record.length;
          if (i % 500 === 499) handle.flush();
        }
        handle.flush();
      });
      const second = await reopen(fs, open);
      const all = readAll(second, 'many.log');
      check(all.length === expectedOffset, `file has ${all.length} bytes, expected ${expectedOffset}`);
      let at = 0;
      for (const [i, record] of records.entries()) {
        checkBytes(all.subarray(at, at + record.length), record, `record ${i}`);
        at += record.length;
      }
    },
  },
];
