/**
 * A Bloom filter per SSTable (Bloom 1970; leveldb's `bloom.cc`): "the key is certainly absent" or
 * "maybe present". Sized for a target false-positive rate p: m = -n·ln p / (ln 2)² bits and
 * k = (m/n)·ln 2 probes, ≈ 9.6 bits and 7 probes per key at 1%. Probes use double hashing from one
 * 32-bit hash (Kirsch–Mitzenmacher) of the key's UTF-8 bytes, so a get hashes its key once for every
 * table it consults.
 *
 * Invariant: no false negatives — every added key answers `mayContain` true.
 * Serialized form: [k u8][bit array].
 */

import { kvError } from '../../errors.ts';
import { ln } from '../../portableMath.ts';

/** FNV-1a over the key's UTF-8 bytes, finished with murmur3's fmix32 for avalanche. */
export function bloomHash(key: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class BloomFilter {
  private constructor(
    readonly bits: Uint8Array,
    readonly hashes: number,
  ) {}

  /** An empty filter for `keyCount` keys at false-positive rate `rate`. */
  static forKeys(keyCount: number, rate: number): BloomFilter {
    const n = Math.max(1, keyCount);
    const bitCount = Math.max(64, Math.ceil((-n * ln(rate)) / (Math.LN2 * Math.LN2)));
    const hashes = Math.min(30, Math.max(1, Math.round((bitCount / n) * Math.LN2)));
    return new BloomFilter(new Uint8Array(Math.ceil(bitCount / 8)), hashes);
  }

  static decode(bytes: Uint8Array, where: string): BloomFilter {
    const hashes = bytes[0] ?? 0;
    if (bytes.length < 2 || hashes < 1 || hashes > 30) {
      throw kvError('KV_CORRUPTION', `${where}: the Bloom filter header is invalid`);
    }
    return new BloomFilter(bytes.subarray(1), hashes);
  }

  encode(): Uint8Array {
    const out = new Uint8Array(this.bits.length + 1);
    out[0] = this.hashes;
    out.set(this.bits, 1);
    return out;
  }

  get bitCount(): number {
    return this.bits.length * 8;
  }

  add(hash: number): void {
    const m = this.bitCount;
    const delta = ((hash >>> 17) | (hash << 15)) >>> 0;
    let h = hash;
    for (let i = 0; i < this.hashes; i++) {
      const bit = h % m;
      this.bits[bit >>> 3] = (this.bits[bit >>> 3] as number) | (1 << (bit & 7));
      h = (h + delta) >>> 0;
    }
  }

  mayContain(hash: number): boolean {
    const m = this.bitCount;
    const delta = ((hash >>> 17) | (hash << 15)) >>> 0;
    let h = hash;
    for (let i = 0; i < this.hashes; i++) {
      const bit = h % m;
      if (((this.bits[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
      h = (h + delta) >>> 0;
    }
    return true;
  }
}
