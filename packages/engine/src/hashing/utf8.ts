/**
 * UTF-8 without `TextEncoder`: the engine compiles against lib ES2022 only (no DOM, no Node types),
 * where `TextEncoder`/`TextDecoder` are not declared, and keys must hash to the same ring position in
 * every driver. SPEC 1.1 measures keys and values in UTF-8 bytes, so the ring, the size limits and
 * the binary encodings all go through here.
 *
 * Encoding follows the WHATWG encoder: a lone surrogate becomes U+FFFD (EF BF BD), so every string
 * has exactly one encoding. Decoding is strict: overlong forms, surrogates, code points above
 * U+10FFFF and truncated sequences are refused (null), because the bytes come from disk or a peer.
 */

/** Bytes needed to encode `text` as UTF-8 (without allocating). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Writes `text` as UTF-8 into `out` from `offset`; returns the offset after the last byte. `out`
 * must have room for `utf8Length(text)` bytes.
 */
export function utf8EncodeInto(text: string, out: Uint8Array, offset = 0): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && isLowSurrogate(next)) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 0x3f);
        out[o++] = 0x80 | ((c >> 6) & 0x3f);
        out[o++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd; // a lone surrogate, as TextEncoder does
    }
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  }
  return o;
}

/** `text` as UTF-8 bytes (a new array). */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  utf8EncodeInto(text, out, 0);
  return out;
}

/** Decodes strict UTF-8; null when the bytes are not well-formed UTF-8. */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes.length): string | null {
  // Fast path for short ASCII (node ids, keys, most values): one string, no per-byte objects.
  if (end - start <= asciiFastPathBytesMax && isAscii(bytes, start, end)) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  const units: number[] = [];
  let text = '';
  let i = start;
  while (i < end) {
    const point = decodePoint(bytes, i, end);
    if (point === null) return null;
    i += point.length;
    if (point.code >= 0x10000) {
      const v = point.code - 0x10000;
      units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    } else units.push(point.code);
    if (units.length >= 4096) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return text + String.fromCharCode(...units);
}

/** Longest ASCII run decoded in one `String.fromCharCode` call (well under engines' argument limits). */
const asciiFastPathBytesMax = 4_096;

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

function decodePoint(bytes: Uint8Array, i: number, end: number): { code: number; length: number } | null {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return { code: b0, length: 1 };
  let length: number;
  let code: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [length, code, min] = [2, b0 & 0x1f, 0x80];
  else if (b0 >= 0xe0 && b0 <= 0xef) [length, code, min] = [3, b0 & 0x0f, 0x800];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [length, code, min] = [4, b0 & 0x07, 0x10000];
  else return null;
  if (i + length > end) return null;
  for (let k = 1; k < length; k++) {
    const b = bytes[i + k] as number;
    if ((b & 0xc0) !== 0x80) return null;
    code = (code << 6) | (b & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return { code, length };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
