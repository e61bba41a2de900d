/**
 * The ring hash is MurmurHash3_x86_32, checked against its published test vectors:
 * - byte vectors: Ian Boyd's answer to "MurmurHash3 test vectors" (stackoverflow.com/q/14747343),
 *   also used by hajimes/mmh3's `test_mmh3.py` and by Boost.Hash2's `murmur3_32` test;
 * - text vectors: the same answer and mmh3's tests (seed 0x9747b28c, "Hello, world!", "aaaa", …),
 *   with seed-0 values ("test", "Hello, world!", the quick brown fox) that Go, Rust and C# ports pin
 *   as SMHasher reference values, and ("Hello, world!", 1234) from the Wikipedia-derived vectors;
 * - UTF-8 vectors: the same answer's "ππππππππ" (U+03C0 ×8, seed 0x9747b28c) and 256 × "a" cases,
 *   "€𠳏b✗a" (a four-byte code point) from a shell port and "a\u00e7b\u2193c" from a Kotlin port;
 *   they check the encoder too.
 * Several independent ports agree on every value; they are not derived from this implementation.
 */
import { describe, expect, it } from 'vitest';
import { combineDigests, digest64, digest64OfText } from './digest.ts';
import { murmur3OfText, murmur3x86_32 } from './murmur3.ts';
import { utf8Encode } from './utf8.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('MurmurHash3_x86_32', () => {
  const byteVectors: [string, Uint8Array, number, number][] = [
    ['no bytes, seed 0', bytes(), 0, 0x00000000],
    ['no bytes, seed 1', bytes(), 1, 0x514e28b7],
    ['no bytes, seed 0xffffffff (unsigned seed)', bytes(), 0xffffffff, 0x81f16f39],
    ['ff ff ff ff (unsigned block math)', bytes(0xff, 0xff, 0xff, 0xff), 0, 0x76293b50],
    ['21 43 65 87 (little-endian block)', bytes(0x21, 0x43, 0x65, 0x87), 0, 0xf55b516b],
    ['21 43 65 87, seed 0x5082edee', bytes(0x21, 0x43, 0x65, 0x87), 0x5082edee, 0x2362f9de],
    ['21 43 65 (three-byte tail)', bytes(0x21, 0x43, 0x65), 0, 0x7e4a8634],
    ['21 43 (two-byte tail)', bytes(0x21, 0x43), 0, 0xa0f7b07a],
    ['21 (one-byte tail)', bytes(0x21), 0, 0x72661cf4],
    ['00 00 00 00', bytes(0, 0, 0, 0), 0, 0x2362f9de],
    ['00 00 00', bytes(0, 0, 0), 0, 0x85f0b427],
    ['00 00', bytes(0, 0), 0, 0x30f4c306],
    ['00', bytes(0), 0, 0x514e28b7],
  ];
  it.each(byteVectors)('matches the published vector for %s', (_name, input, seed, expected) => {
    expect(murmur3x86_32(input, seed)).toBe(expected);
  });

  const textVectors: [string, number, number][] = [
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['test', 0, 0xba6bd213],
    ['test', 0x9747b28c, 0x704b81dc],
    ['Hello, world!', 0, 0xc0363e43],
    ['Hello, world!', 1234, 0xfaf6cdb3],
    ['Hello, world!', 4321, 0xbf505788],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['a'.repeat(256), 0x9747b28c, 0x37405bdc],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
    ['€𠳏b✗a', 0, 0xda7915bd],
    ['special characters a\u00e7b\u2193c', 0, 0xbe83b140],
  ];
  it.each(textVectors)(
    'hashes the UTF-8 of %j with seed %i to the published value',
    (text, seed, expected) => {
      expect(murmur3OfText(text, seed)).toBe(expected);
      expect(murmur3x86_32(utf8Encode(text), seed)).toBe(expected);
    },
  );

  it('hashes a sub-range exactly as a copy of it', () => {
    const framed = bytes(9, 9, 0x21, 0x43, 0x65, 9);
    expect(murmur3x86_32(framed, 0, 2, 5)).toBe(0x7e4a8634);
  });

  it('hashes long and non-ASCII keys the same as their UTF-8 bytes (scratch buffer growth)', () => {
    const long = `${'ключ-'.repeat(300)}🌵`;
    expect(murmur3OfText(long, 7)).toBe(murmur3x86_32(utf8Encode(long), 7));
    expect(murmur3OfText('short', 7)).toBe(murmur3x86_32(utf8Encode('short'), 7));
  });
});

describe('digest64', () => {
  it('is 16 hex digits, equal for equal bytes, different for different bytes', () => {
    const a = digest64(utf8Encode('value-1'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(digest64OfText('value-1')).toBe(a);
    expect(digest64OfText('value-2')).not.toBe(a);
  });

  it('has no collisions among 50,000 similar keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(digest64OfText(`key-${i}`));
    expect(seen.size).toBe(50_000);
  });

  it('combines children in order', () => {
    const [x, y] = [digest64OfText('x'), digest64OfText('y')];
    expect(combineDigests([x, y])).not.toBe(combineDigests([y, x]));
    expect(combineDigests([x, y])).toBe(combineDigests([x, y]));
  });
});
