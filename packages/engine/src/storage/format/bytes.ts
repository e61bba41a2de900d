/**
 * Little building blocks of every on-disk format: a growable writer and a bounds-checked reader with
 * LEB128 varints (as in leveldb's coding.h) and little-endian u32s. A reader that runs past its end
 * throws `TruncatedInput`, which the format's owner turns into a torn tail or `KV_CORRUPTION`.
 */

export class TruncatedInput extends Error {
  override readonly name = 'TruncatedInput';
}

export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  u32(value: number): void {
    this.reserve(4);
    const b = this.bytes;
    let at = this.length;
    b[at++] = value & 0xff;
    b[at++] = (value >>> 8) & 0xff;
    b[at++] = (value >>> 16) & 0xff;
    b[at++] = (value >>> 24) & 0xff;
    this.length = at;
  }

  /** Unsigned integers up to 2^53. */
  varint(value: number): void {
    this.reserve(8);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Varint length, then the bytes. */
  chunk(data: Uint8Array): void {
    this.varint(data.length);
    this.raw(data);
  }
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
    readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.at >= this.end;
  }

  u8(): number {
    if (this.at >= this.end) throw new TruncatedInput('u8 past the end');
    return this.bytes[this.at++] as number;
  }

  u32(): number {
    if (this.at + 4 > this.end) throw new TruncatedInput('u32 past the end');
    const value = readU32(this.bytes, this.at);
    this.at += 4;
    return value;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.end) throw new TruncatedInput('varint past the end');
      const b = this.bytes[this.at++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new TruncatedInput('varint longer than 8 bytes');
  }

  /** A view (not a copy) of the next `length` bytes. */
  raw(length: number): Uint8Array {
    if (length < 0 || this.at + length > this.end) throw new TruncatedInput(`${length} bytes past the end`);
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  chunk(): Uint8Array {
    return this.raw(this.varint());
  }
}
