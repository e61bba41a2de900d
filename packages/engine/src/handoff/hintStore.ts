/**
 * The hint store of hinted handoff (Dynamo §4.6, SPEC 1.6): when a node stands in for a replica that
 * is down, it keeps the write as a *hint* naming the intended owner, durably and apart from its own
 * data, and replays it when the owner is back. This store is one append-only file, `hints.log`, of
 * checksummed records:
 *
 *   record  = u32 length · u32 crc32c(payload) · payload
 *   payload = 0x01 stored    · id · owner · key · storedAt (f64 as text) · encoded sibling set
 *           | 0x02 delivered · id          (the owner acknowledged it: forget it)
 *           | 0x03 dropped   · id          (older than the hint window: anti-entropy must repair)
 *
 * Opening replays the records; a torn or corrupt tail (a crash mid-append) ends the replay and is
 * truncated, so a hint is either wholly there or not there. When most records are dead the file is
 * rewritten to a temporary file and renamed over the old one (atomic in every backend).
 * A hint is acknowledged to the coordinator only after `sync()` (the node's durability point).
 */

import { utf8Decode, utf8Encode } from '../hashing/utf8.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { FileHandle, FileSystem } from '../storage/files/fileSystem.ts';
import { ByteReader, ByteWriter, readU32, TruncatedInput, writeU32 } from '../storage/format/bytes.ts';
import { crc32c } from '../storage/format/crc32c.ts';
import { decodeSiblings, encodeSiblings, syncSiblings, type Version } from '../versioning/siblings.ts';

export interface Hint {
  id: number;
  /** The replica the write was meant for. */
  owner: NodeId;
  key: string;
  versions: Version[];
  /** When the stand-in stored it (its clock, ms). */
  storedAt: number;
}

const hintFile = 'hints.log';
const rewriteFile = 'hints.tmp';
const recordStored = 1;
const recordDelivered = 2;
const recordDropped = 3;
/** Rewrite the file when it holds this many dead records and they outnumber the live ones. */
const deadRecordsBeforeRewrite = 256;
const noHints: readonly Hint[] = [];
const noVersions: readonly Version[] = [];

function text(out: ByteWriter, value: string): void {
  out.chunk(utf8Encode(value));
}

function readText(input: ByteReader): string {
  const value = utf8Decode(input.chunk());
  if (value === null) throw new TruncatedInput('invalid UTF-8 in a hint');
  return value;
}

function encodeRecord(payload: ByteWriter): Uint8Array {
  const body = payload.view();
  const record = new Uint8Array(8 + body.length);
  writeU32(record, 0, body.length);
  writeU32(record, 4, crc32c(body));
  record.set(body, 8);
  return record;
}

function storedRecord(hint: Hint): Uint8Array {
  const payload = new ByteWriter();
  payload.u8(recordStored);
  payload.varint(hint.id);
  text(payload, hint.owner);
  text(payload, hint.key);
  text(payload, String(hint.storedAt));
  payload.chunk(encodeSiblings(hint.versions));
  return encodeRecord(payload);
}

export interface HintRecovery {
  hints: number;
  truncatedBytes: number;
}

export class HintStore {
  private readonly hints = new Map<number, Hint>();
  /**
   * The hints of each key, in the order they were stored (as `all()` lists them): every replica read
   * asks for its key's, and a stand-in through a long outage holds hundreds of hints for other keys.
   */
  private readonly byKey = new Map<string, Hint[]>();
  /**
   * Per key, the versions its hints hold together (their sync): kept up by adds, made anew on the
   * first ask after a removal.
   */
  private readonly merged = new Map<string, Version[]>();
  private handle: FileHandle;
  private nextId = 1;
  private deadRecords = 0;
  readonly recovery: HintRecovery;

  constructor(private readonly fs: FileSystem) {
    if (fs.exists(rewriteFile)) fs.delete(rewriteFile); // a rewrite that crashed before its rename
    this.handle = fs.open(hintFile, { create: true });
    this.recovery = this.replay();
  }

  get size(): number {
    return this.hints.size;
  }

  all(): Hint[] {
    return [...this.hints.values()];
  }

  /**
   * Numbers new hints from `first` on, if that is above those on file: a stand-in whose disk was
   * wiped must not reuse the id of a hint whose late acknowledgement is still on its way
   * (versioning/actor.ts `opBase`).
   */
  numberFrom(first: number): void {
    this.nextId = Math.max(this.nextId, first);
  }

  get(id: number): Hint | undefined {
    return this.hints.get(id);
  }

  forOwner(owner: NodeId): Hint[] {
    return this.all().filter((h) => h.owner === owner);
  }

  /** The hints held for `key`, oldest first; the caller only reads the list. */
  forKey(key: string): readonly Hint[] {
    return this.byKey.get(key) ?? noHints;
  }

  /**
   * The versions the hints of `key` hold together: syncing each hint's versions into the node's own
   * in turn gives the same set as syncing this once (a sibling sync is a join: associative and
   * order-free), and a replica read asks on every read of a key a stand-in holds hints for.
   */
  versionsForKey(key: string): readonly Version[] {
    const hints = this.byKey.get(key);
    if (!hints) return noVersions; // every replica read of a key without hints: no list made
    let versions = this.merged.get(key);
    if (!versions) {
      versions = hints.reduce<Version[]>((acc, hint) => syncSiblings(acc, hint.versions), []);
      this.merged.set(key, versions);
    }
    return versions;
  }

  /** Appends a hint (not yet durable: the node syncs before acknowledging). */
  add(owner: NodeId, key: string, versions: Version[], now: number): Hint {
    const hint: Hint = { id: this.nextId++, owner, key, versions, storedAt: now };
    this.handle.append(storedRecord(hint));
    this.hold(hint);
    return hint;
  }

  /** Forgets a hint the owner acknowledged (`delivered`) or that outlived the window (`dropped`). */
  remove(id: number, why: 'delivered' | 'dropped'): void {
    if (!this.forget(id)) return;
    const payload = new ByteWriter();
    payload.u8(why === 'delivered' ? recordDelivered : recordDropped);
    payload.varint(id);
    this.handle.append(encodeRecord(payload));
    this.deadRecords += 2;
    if (this.deadRecords >= deadRecordsBeforeRewrite && this.deadRecords > this.hints.size) this.rewrite();
  }

  sync(): void {
    this.handle.flush();
  }

  close(): void {
    this.handle.close();
  }

  private hold(hint: Hint): void {
    this.hints.set(hint.id, hint);
    const merged = this.merged.get(hint.key);
    if (merged) this.merged.set(hint.key, syncSiblings(merged, hint.versions));
    const held = this.byKey.get(hint.key);
    if (held) held.push(hint);
    else this.byKey.set(hint.key, [hint]);
  }

  /** Drops hint `id` from memory; false when it is not held. */
  private forget(id: number): boolean {
    const hint = this.hints.get(id);
    if (!hint) return false;
    this.hints.delete(id);
    this.merged.delete(hint.key);
    const rest = (this.byKey.get(hint.key) ?? noHints).filter((h) => h.id !== id);
    if (rest.length > 0) this.byKey.set(hint.key, rest);
    else this.byKey.delete(hint.key);
    return true;
  }

  /** Reads every record; stops at the first torn or corrupt one and truncates the file there. */
  private replay(): HintRecovery {
    const size = this.handle.size();
    const bytes = this.handle.read(0, size);
    let at = 0;
    while (at + 8 <= size) {
      const length = readU32(bytes, at);
      if (at + 8 + length > size) break;
      const body = bytes.subarray(at + 8, at + 8 + length);
      if (crc32c(body) !== readU32(bytes, at + 4) || !this.apply(body)) break;
      at += 8 + length;
    }
    if (at < size) this.handle.truncate(at);
    return { hints: this.hints.size, truncatedBytes: size - at };
  }

  private apply(body: Uint8Array): boolean {
    try {
      const input = new ByteReader(body);
      const kind = input.u8();
      const id = input.varint();
      this.nextId = Math.max(this.nextId, id + 1);
      if (kind !== recordStored) {
        this.forget(id);
        this.deadRecords += 2;
        return kind === recordDelivered || kind === recordDropped;
      }
      const owner = readText(input) as NodeId;
      const key = readText(input);
      const storedAt = Number(readText(input));
      const versions = decodeSiblings(input.chunk());
      if (!Array.isArray(versions)) return false;
      this.hold({ id, owner, key, versions, storedAt });
      return true;
    } catch (error) {
      if (error instanceof TruncatedInput) return false;
      throw error;
    }
  }

  /** Writes the live hints to a fresh file and renames it over the log (atomic switch). */
  private rewrite(): void {
    const fresh = this.fs.open(rewriteFile, { create: true });
    fresh.truncate(0);
    for (const hint of this.hints.values()) fresh.append(storedRecord(hint));
    fresh.flush();
    fresh.close();
    this.handle.flush();
    this.handle.close();
    this.fs.rename(rewriteFile, hintFile);
    this.handle = this.fs.open(hintFile);
    this.deadRecords = 0;
  }
}
