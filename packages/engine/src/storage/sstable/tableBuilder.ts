/**
 * Writes one SSTable from entries given in strictly increasing key order (leveldb's TableBuilder):
 * data blocks of about `blockBytesTarget`, compressed where it pays off, then the Bloom filter, the
 * block index and the footer. `finish()` flushes and closes the file, so a table is durable before
 * the manifest that names it is written. On failure the caller `abandon()`s it (file deleted).
 *
 * Compression policy 'auto': deflate a block and keep the result only if it saves ≥ 25%; after n
 * blocks in a row that did not pay, try only one block in 2^n (at most 256), so incompressible data
 * costs little and data that turns compressible is noticed again.
 */

import { assert } from '../../assert.ts';
import { BloomFilter, bloomHash } from '../bloom/bloomFilter.ts';
import type { FileHandle, FileSystem } from '../files/fileSystem.ts';
import { ByteWriter } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import { EntryKind, type StoredEntry } from '../format/entry.ts';
import { decodeKey } from '../format/keys.ts';
import { DataBlockBuilder, writeStoredBlock } from './block.ts';
import { footerBytes, type TableMeta, tableFileName, tableMagic } from './tableFormat.ts';

export interface TableBuildOptions {
  blockBytesTarget: number;
  bloomFalsePositiveRate: number;
  compression: 'auto' | 'none';
}

const writeChunkBytes = 64 * 1024;

export class TableBuilder {
  readonly name: string;
  private readonly handle: FileHandle;
  private readonly out = new ByteWriter(writeChunkBytes + 16 * 1024);
  private readonly block = new DataBlockBuilder();
  private readonly index = new ByteWriter(4096);
  private readonly hashes: number[] = [];
  private fileBytes = 0;
  private firstKey: Uint8Array | null = null;
  private lastKey: Uint8Array | null = null;
  private meta: TableMeta;
  private unpaidBlocks = 0;
  private blockNumber = 0;

  constructor(
    private readonly fs: FileSystem,
    readonly id: number,
    level: number,
    private readonly options: TableBuildOptions,
  ) {
    this.name = tableFileName(id);
    this.handle = fs.open(this.name, { create: true });
    this.handle.truncate(0);
    this.meta = {
      id,
      level,
      bytes: 0,
      entries: 0,
      tombstones: 0,
      smallest: '',
      largest: '',
      minSeq: Number.MAX_SAFE_INTEGER,
      maxSeq: 0,
      rawBlockBytes: 0,
      storedBlockBytes: 0,
      filterBits: 0,
      filterHashes: 0,
    };
  }

  get entryCount(): number {
    return this.meta.entries;
  }

  /** Bytes the table will have if finished now (roughly). */
  get estimatedBytes(): number {
    return this.fileBytes + this.out.length + this.block.estimatedBytes;
  }

  /** Adds the next entry; keys must be strictly increasing. */
  add(entry: StoredEntry): void {
    if (this.meta.entries === 0) this.firstKey = entry.keyBytes;
    this.meta.entries++;
    if (entry.kind === EntryKind.Delete) this.meta.tombstones++;
    this.meta.minSeq = Math.min(this.meta.minSeq, entry.seq);
    this.meta.maxSeq = Math.max(this.meta.maxSeq, entry.seq);
    this.hashes.push(bloomHash(entry.keyBytes));
    this.block.add(entry);
    this.lastKey = entry.keyBytes;
    if (this.block.estimatedBytes >= this.options.blockBytesTarget) this.finishBlock();
  }

  /** Writes the rest of the table, flushes and closes it; returns its metadata. */
  finish(): TableMeta {
    assert(this.meta.entries > 0, `table ${this.name} finished without entries`);
    if (this.block.entryCount > 0) this.finishBlock();
    const filter = BloomFilter.forKeys(this.hashes.length, this.options.bloomFalsePositiveRate);
    for (const hash of this.hashes) filter.add(hash);
    const filterOffset = this.position();
    const filterLength = writeStoredBlock(this.out, filter.encode(), false);
    const indexOffset = this.position();
    const indexLength = writeStoredBlock(this.out, this.index.view(), false);
    const footerStart = this.out.length;
    for (const value of [
      filterOffset,
      filterLength,
      indexOffset,
      indexLength,
      this.blockNumber,
      tableMagic,
    ]) {
      this.out.u32(value);
    }
    this.out.u32(crc32c(this.out.bytes, footerStart, this.out.length));
    assert(this.out.length - footerStart === footerBytes, 'footer size');
    this.writeOut();
    this.handle.flush();
    this.handle.close();
    this.meta.bytes = this.fileBytes;
    this.meta.smallest = decodeKey(this.firstKey as Uint8Array);
    this.meta.largest = decodeKey(this.lastKey as Uint8Array);
    this.meta.filterBits = filter.bitCount;
    this.meta.filterHashes = filter.hashes;
    return this.meta;
  }

  /** Gives up on the table: closes and deletes its file. Never throws. */
  abandon(): void {
    try {
      this.handle.close();
      this.fs.delete(this.name);
    } catch {
      // The orphan is deleted at the next open (recovery removes tables the manifest does not name).
    }
  }

  private position(): number {
    return this.fileBytes + this.out.length;
  }

  private finishBlock(): void {
    const payload = this.block.finish();
    const offset = this.position();
    const compress = this.shouldTryCompression();
    const stored = writeStoredBlock(this.out, payload, compress);
    if (compress) this.unpaidBlocks = stored < payload.length ? 0 : this.unpaidBlocks + 1;
    this.meta.rawBlockBytes += payload.length;
    this.meta.storedBlockBytes += stored;
    this.index.chunk(this.lastKey as Uint8Array);
    this.index.varint(offset);
    this.index.varint(stored);
    this.blockNumber++;
    if (this.out.length >= writeChunkBytes) this.writeOut();
  }

  private shouldTryCompression(): boolean {
    if (this.options.compression === 'none') return false;
    // Exponential back-off: after n blocks in a row that did not pay, try one block in 2^n (≤ 256).
    const every = 2 ** Math.min(8, this.unpaidBlocks);
    return this.blockNumber % every === 0;
  }

  private writeOut(): void {
    if (this.out.length === 0) return;
    this.handle.append(this.out.view());
    this.fileBytes += this.out.length;
    this.out.reset();
  }
}
