/**
 * Operating errors: values with a stable code, a sentence for the user and an optional cause
 * (DESIGN.md rule 6). They are returned to the caller and shown; they never mean the engine is broken.
 * Codes are stable strings so tests, the lab and the runner can match on them.
 */

export const kvErrorCodes = [
  'KV_KEY_EMPTY',
  'KV_KEY_TOO_LARGE',
  'KV_VALUE_TOO_LARGE',
  'KV_INVALID_ARGUMENT',
  'KV_INVALID_MESSAGE',
  'KV_INVALID_SCENARIO',
  'KV_QUORUM_IMPOSSIBLE',
  'KV_QUORUM_FAILED',
  'KV_TIMEOUT',
  'KV_UNKNOWN_NODE',
  'KV_NODE_DOWN',
  'KV_NOT_FOUND',
  'KV_CORRUPTION',
  'KV_QUOTA_EXCEEDED',
  'KV_IO',
  'KV_CLOSED',
  'KV_UNSUPPORTED',
  'KV_NOT_SERVING',
] as const;

export type KvErrorCode = (typeof kvErrorCodes)[number];

export class KvError extends Error {
  override readonly name = 'KvError';
  constructor(
    readonly code: KvErrorCode,
    readonly sentence: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${sentence}`, options);
  }

  /** A structured-cloneable form, for replies that cross a worker boundary or go into a report. */
  toJSON(): KvErrorData {
    return { code: this.code, message: this.sentence };
  }
}

export interface KvErrorData {
  code: KvErrorCode;
  message: string;
}

export function isKvError(value: unknown): value is KvError {
  return value instanceof KvError;
}

/**
 * True for an error that says a node's own files are damaged (a checksum failed): its driver then
 * replaces the disk (node/contract.ts, the disk failure rule), so no module may turn it into a value.
 */
export function isDiskFailure(error: unknown): boolean {
  return isKvError(error) && error.code === 'KV_CORRUPTION';
}

export function kvError(code: KvErrorCode, sentence: string, cause?: unknown): KvError {
  return new KvError(code, sentence, cause === undefined ? undefined : { cause });
}

/** Formats a byte count the way the error sentences of SPEC 1.1 do: `12,288 bytes`. */
export function formatBytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}
