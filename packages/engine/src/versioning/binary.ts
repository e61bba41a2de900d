/**
 * The byte codec of the versioning encodings (clocks, sibling sets): unsigned LEB128 varints,
 * little-endian float64, length-prefixed bytes and UTF-8 text. Writers grow as needed; readers never
 * read past the end and fail with a `DecodeFailure` that the decoders turn into a `KvError`, because
 * the bytes they read come from disk or from a peer and may be garbage.
 */

import type { ByteSlab } from '../bytes.ts';
import { utf8Decode, utf8EncodeInto, utf8Length } from '../hashing/utf8.ts';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  /**
   * Empties the writer for the next encoding, keeping its buffer: encoders on the hot path (every
   * replica write encodes a sibling set) reuse one writer instead of allocating a buffer per call.
   */
  reset(): this {
    this.length = 0;
    return this;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned integer up to 2^53 − 1 as LEB128 (1 byte below 128). */
  varint(value: number): void {
    let v = value;
    this.reserve(8);
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  float64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Length-prefixed bytes. */
  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** Length-prefixed UTF-8. */
  text(value: string): void {
    const size = utf8Length(value);
    this.varint(size);
    this.reserve(size);
    this.length = utf8EncodeInto(value, this.buffer, this.length);
  }

  /** The bytes written (a copy, so the writer can be dropped), in `slab` when one is given. */
  finish(slab?: ByteSlab): Uint8Array {
    return slab ? slab.copy(this.buffer, 0, this.length) : this.buffer.slice(0, this.length);
  }
}

/** Thrown by `ByteReader` on malformed input; caught only by the decoders of this folder. */
export class DecodeFailure extends Error {
  override readonly name = 'DecodeFailure';
}

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(
    private readonly source: Uint8Array,
    start = 0,
    readonly end = source.length,
  ) {
    this.view = new DataView(source.buffer, source.byteOffset, source.byteLength);
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) throw new DecodeFailure(`truncated ${what} at byte ${this.offset}`);
  }

  byte(what: string): number {
    this.need(1, what);
    return this.source[this.offset++] as number;
  }

  /** `suffix` completes `what` in an error ("… length"), so callers build no text when all is well. */
  varint(what: string, suffix = ''): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.end)
        throw new DecodeFailure(`truncated ${what}${suffix} at byte ${this.offset}`);
      const b = this.source[this.offset++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw new DecodeFailure(`${what}${suffix} is out of range`);
        if (i > 0 && b === 0) throw new DecodeFailure(`${what}${suffix} is not minimally encoded`);
        return value;
      }
      scale *= 0x80;
    }
    throw new DecodeFailure(`${what}${suffix} is too long`);
  }

  float64(what: string): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    if (!Number.isFinite(value)) throw new DecodeFailure(`${what} is not a finite number`);
    return value;
  }

  bytes(what: string): Uint8Array {
    const length = this.varint(`${what} length`);
    this.need(length, what);
    const value = this.source.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  text(what: string): string {
    const length = this.varint(what, ' length');
    this.need(length, what);
    const value = length <= 3 ? shortText(this.source, this.offset, length) : null;
    const text = value ?? utf8Decode(this.source, this.offset, this.offset + length);
    if (text === null) throw new DecodeFailure(`${what} is not valid UTF-8`);
    this.offset += length;
    return text;
  }
}

/**
 * Short ASCII texts (node ids such as "n1", read several times per stored version) from a table,
 * so decoding a sibling set does not make the same little strings again; null for anything else.
 */
function shortText(bytes: Uint8Array, start: number, length: number): string | null {
  let code = length;
  for (let i = 0; i < length; i++) {
    const b = bytes[start + i] as number;
    if (b === 0 || b >= 0x80) return null;
    code = code * 128 + b;
  }
  let text = shortTexts.get(code);
  if (text === undefined) {
    text = String.fromCharCode.apply(null, bytes.subarray(start, start + length) as unknown as number[]);
    if (shortTexts.size < shortTextsMax) shortTexts.set(code, text);
  }
  return text;
}

/** The short ASCII texts seen so far, up to `shortTextsMax` (node ids and client ids, in practice). */
const shortTexts = new Map<number, string>();
const shortTextsMax = 4_096;
