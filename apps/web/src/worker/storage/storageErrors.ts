/**
 * How the browser backends turn what OPFS and IndexedDB throw into the engine's operating errors
 * (DESIGN.md rule 6): a full quota is `KV_QUOTA_EXCEEDED` (the node stays up and refuses writes), a
 * closed handle is `KV_CLOSED`, anything else is `KV_IO` with the browser's error as its cause.
 */

import { isKvError, isValidFileName, type KvError, kvError } from '@kvscope/engine';

export function asKvError(error: unknown, what: string): KvError {
  if (isKvError(error)) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError') {
    return kvError('KV_QUOTA_EXCEEDED', `${what} failed: the browser's storage quota is full`, error);
  }
  if (name === 'InvalidStateError') return kvError('KV_CLOSED', `${what} failed: ${detail}`, error);
  return kvError('KV_IO', `${what} failed: ${name || 'error'}: ${detail}`, error);
}

/** The engine's rule for file names (`isValidFileName`: flat, never `.` or `..`). */
export function checkFileName(name: string): void {
  if (!isValidFileName(name)) {
    throw kvError('KV_INVALID_ARGUMENT', `"${name}" is not a valid file name`);
  }
}
