/**
 * The members a rebuild started among (rebuiltAmong.ts): a departure of one of them hands back the
 * ring before it, once; a member that joins or stays, or a rebuild still due, does not.
 */
import { describe, expect, it } from 'vitest';
import { nodeId } from '../protocol/ids.ts';
import { buildRing } from '../ring/ring.ts';
import { RebuiltAmong } from './rebuiltAmong.ts';

const ring = (...ids: string[]) =>
  buildRing(
    ids.map((id) => ({ id: nodeId(id) })),
    { virtualNodes: 8 },
  );

describe('the members a rebuild started among', () => {
  it('hands back the ring before a departure of one of them, once', () => {
    const withN5 = ring('n1', 'n2', 'n3', 'n4', 'n5');
    const rebuilt = new RebuiltAmong([], withN5);
    rebuilt.started(withN5, nodeId('n4'));
    expect(rebuilt.list()).toEqual(['n1', 'n2', 'n3', 'n5']);
    expect(rebuilt.departedSince(withN5, false)).toBeNull(); // no change
    const withN6 = ring('n1', 'n2', 'n3', 'n4', 'n5', 'n6');
    expect(rebuilt.departedSince(withN6, false)).toBeNull(); // a join takes, it does not give
    const withoutN5 = ring('n1', 'n2', 'n3', 'n4', 'n6');
    expect(rebuilt.departedSince(withoutN5, false)).toBe(withN6);
    expect(rebuilt.list()).toEqual(['n1', 'n2', 'n3']);
    expect(rebuilt.departedSince(ring('n1', 'n2', 'n3', 'n4'), false)).toBeNull(); // n6 came after
  });

  it('says nothing while a rebuild is due, and starts from what was saved', () => {
    const withN5 = ring('n1', 'n2', 'n3', 'n4', 'n5');
    const rebuilt = new RebuiltAmong([nodeId('n5')], withN5);
    expect(rebuilt.departedSince(ring('n1', 'n2', 'n3', 'n4'), true)).toBeNull();
    const again = new RebuiltAmong([nodeId('n5')], withN5);
    expect(again.departedSince(ring('n1', 'n2', 'n3', 'n4'), false)).toBe(withN5);
  });
});
