import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.ts';
import { ByteReader, ByteWriter, TruncatedInput } from './bytes.ts';
import { crc32c } from './crc32c.ts';
import { compareBytes, compareKeys, decodeKey, encodeKey } from './keys.ts';

describe('varints and u32s', () => {
  it('round-trip values up to 2^53', () => {
    const values = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
    const writer = new ByteWriter(4);
    for (const v of values) writer.varint(v);
    writer.u32(0xdeadbeef);
    const reader = new ByteReader(writer.view());
    expect(values.map(() => reader.varint())).toEqual(values);
    expect(reader.u32()).toBe(0xdeadbeef);
    expect(reader.done).toBe(true);
  });

  it('a read past the end throws TruncatedInput instead of inventing bytes', () => {
    const writer = new ByteWriter();
    writer.varint(300);
    const cut = writer.view().subarray(0, 1);
    expect(() => new ByteReader(cut).varint()).toThrow(TruncatedInput);
    expect(() => new ByteReader(new Uint8Array(3)).u32()).toThrow(TruncatedInput);
  });
});

describe('crc32c', () => {
  it('matches the published check value and differs on one flipped bit', () => {
    const text = encodeKey('123456789');
    expect(crc32c(text)).toBe(0xe3069283);
    const big = new Uint8Array(10_000).map((_, i) => (i * 31) & 0xff);
    const before = crc32c(big);
    big[5_000] = (big[5_000] as number) ^ 4;
    expect(crc32c(big)).not.toBe(before);
    expect(crc32c(big, 10, 10)).toBe(0);
  });
});

describe('key order', () => {
  const alphabet = ['a', 'z', 'é', '\u0800', '\ud7ff', '\ue000', '\uffff', '😀', '𝄞', '\u0000'];
  it('compareKeys agrees with the order of the UTF-8 bytes, surrogates included', () => {
    const rng = new Rng(3);
    const keys = Array.from({ length: 300 }, () =>
      Array.from({ length: rng.between(0, 4) }, () => rng.pick(alphabet)).join(''),
    );
    for (let i = 0; i < 2_000; i++) {
      const a = rng.pick(keys);
      const b = rng.pick(keys);
      expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(compareBytes(encodeKey(a), encodeKey(b))));
    }
  });

  it('decodeKey inverts encodeKey for ASCII and non-ASCII keys', () => {
    for (const key of ['', 'user:42', 'ключ', '😀-x', 'a'.repeat(1_024)])
      expect(decodeKey(encodeKey(key))).toBe(key);
  });
});
