/** Test helpers for hinted handoff: a version with a one-entry clock. */
import { nodeId } from '../../protocol/ids.ts';
import type { Version } from '../../versioning/siblings.ts';
import { increment } from '../../versioning/vectorClock.ts';

let counter = 0;

export function nextVersionForTest(value: string): Version {
  counter++;
  return {
    clock: increment([], nodeId('n1'), counter),
    value: new TextEncoder().encode(value),
    timestamp: counter,
  };
}
