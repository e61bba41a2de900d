/**
 * Assertions guard invariants. A failed assertion is a bug, never an operating error: it throws
 * `AssertionError`, which the engine never catches (DESIGN.md rule 6). A node that trips one crashes
 * and the lab shows it. Operating errors are `KvError` values instead (errors.ts).
 *
 * A message is an argument, so it is built on every call: on a hot path (every step, every write)
 * write `if (!ok) assert(false, message)` instead: the message is then built only when it breaks.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, what: string): never {
  throw new AssertionError(`unreachable ${what}: ${JSON.stringify(value)}`);
}
