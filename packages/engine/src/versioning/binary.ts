/**
 * The byte codec of the versioning encodings (clocks, sibling sets): unsigned LEB128 varints,
 * little-endian float64, length-prefixed bytes and UTF-8 text. Writers grow as needed; readers never
 * read past the end and fail with a `DecodeFailure` that the decoders turn into a `KvError`, because
 * the bytes they read come from disk or from a peer and may be garbage.
 */

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

  /** The bytes written (a copy, so the writer can be dropped). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
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

  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte(what);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw new DecodeFailure(`${what} is out of range`);
        if (i > 0 && b === 0) throw new DecodeFailure(`${what} is not minimally encoded`);
        return value;
      }
      scale *= 0x80;
    }
    throw new DecodeFailure(`${what} is too long`);
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
    const length = this.varint(`${what} length`);
    this.need(length, what);
    const value = utf8Decode(this.source, this.offset, this.offset + length);
    if (value === null) throw new DecodeFailure(`${what} is not valid UTF-8`);
    this.offset += length;
    return value;
  }
}
