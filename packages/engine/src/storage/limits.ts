/**
 * Input limits of the store (SPEC 1.1): an empty key, a key over `keyBytesMax` or a record over the
 * store's entry limit is refused with a typed error and a sentence naming the limit, before
 * anything is written.
 */

import { keyBytesMax } from '../constants.ts';
import { formatBytes, kvError } from '../errors.ts';
import { encodeKey } from './format/keys.ts';
import type { LsmOptions } from './options.ts';

/** Refuses an empty or over-limit key before anything is written (SPEC 1.1); returns its UTF-8. */
export function checkKey(key: string, limit = keyBytesMax): Uint8Array {
  if (key.length === 0) throw kvError('KV_KEY_EMPTY', 'the key is empty');
  const keyBytes = encodeKey(key);
  if (keyBytes.length > limit) {
    throw kvError(
      'KV_KEY_TOO_LARGE',
      `the key is ${formatBytes(keyBytes.length)}; the limit is ${limit.toLocaleString('en-US')}`,
    );
  }
  return keyBytes;
}

export function checkEntry(key: string, value: Uint8Array, options: LsmOptions): Uint8Array {
  const keyBytes = checkKey(key, options.keyBytesMax);
  const total = keyBytes.length + value.length;
  if (total > options.entryBytesMax) {
    throw kvError(
      'KV_VALUE_TOO_LARGE',
      `key+value is ${formatBytes(total)}; the limit is ${options.entryBytesMax.toLocaleString('en-US')}`,
    );
  }
  return keyBytes;
}
