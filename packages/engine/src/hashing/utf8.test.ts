import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode, utf8Length } from './utf8.ts';

// Node's TextEncoder/TextDecoder are the reference here (tests run in Node; the engine cannot use them).
const reference = new TextEncoder();

describe('utf8', () => {
  it('encodes every string exactly as TextEncoder does, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const ours = utf8Encode(text);
        expect(ours).toEqual(reference.encode(text));
        expect(utf8Length(text)).toBe(ours.length);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes what it encodes (well-formed strings)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8Decode(utf8Encode(text))).toBe(text);
      }),
    );
  });

  it.each([
    ['overlong slash', [0xc0, 0xaf]],
    ['overlong three-byte', [0xe0, 0x80, 0xaf]],
    ['encoded surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated sequence', [0xe2, 0x82]],
    ['stray continuation byte', [0x80]],
  ])('refuses malformed input: %s', (_name, input) => {
    expect(utf8Decode(Uint8Array.from(input))).toBeNull();
  });
});
