/**
 * One state per node from the live nodes' verdicts (gossip.ts): down when most of the other live
 * nodes hold it down. Under a 3 | 2 partition each side holds the other down; the rule "down when
 * any holds it down" drew all five down and crossed every one out on the ring.
 */

import { type NodeId, nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { type Belief, nodeVerdict, unavailableNodes, verdictSource } from './gossip.ts';
import type { LiveNode } from './labStore.ts';

const order = nodeIds(5);
const running = (status: LiveNode['status'] = 'up') => ({ status }) as LiveNode;
const allUp = Object.fromEntries(order.map((id) => [id, running()]));

/** Every observer's belief about every member, `belief(observer, member)`. */
function matrixOf(belief: (observer: NodeId, member: NodeId) => Belief, observers = order) {
  return Object.fromEntries(
    observers.map((o) => [o, Object.fromEntries(order.map((m) => [m, o === m ? 'alive' : belief(o, m)]))]),
  );
}

describe('a node’s state from the live nodes’ verdicts', () => {
  it('under a 3 | 2 partition: the two are down for the three, the three only suspected', () => {
    const side = (id: NodeId) => (['n4', 'n5'].includes(id) ? 'B' : 'A');
    const matrix = matrixOf((o, m) => (side(o) === side(m) ? 'alive' : 'down'));
    const n4 = nodeVerdict('n4' as NodeId, allUp.n4, matrix);
    expect(n4).toEqual({ state: 'down', doubtedBy: ['n1', 'n2', 'n3'], heldDownBy: ['n1', 'n2', 'n3'] });
    expect(verdictSource(n4)).toBe('by n1,n2,n3');
    const n1 = nodeVerdict('n1' as NodeId, allUp.n1, matrix);
    expect(n1.state).toBe('suspected');
    expect(verdictSource(n1, ', ')).toBe('down for n4, n5');
    expect(unavailableNodes(order, allUp, matrix)).toEqual(['n4', 'n5']);
  });

  it('holds a killed node down once most of the others do, and says crashed while the page knows it', () => {
    const killed = { ...allUp, n3: running('crashed') };
    const live = order.filter((id) => id !== 'n3');
    const oneSaysDown = matrixOf((o, m) => (m !== 'n3' ? 'alive' : o === 'n1' ? 'down' : 'suspected'), live);
    expect(nodeVerdict('n3' as NodeId, killed.n3, oneSaysDown).state).toBe('crashed');
    // The same verdicts about a node the page believes up (a pause it does not know of, say).
    expect(nodeVerdict('n3' as NodeId, allUp.n3, oneSaysDown)).toMatchObject({
      state: 'suspected',
      heldDownBy: ['n1'],
    });
    const threeSayDown = matrixOf((o, m) => (m !== 'n3' ? 'alive' : o === 'n4' ? 'suspected' : 'down'), live);
    expect(nodeVerdict('n3' as NodeId, allUp.n3, threeSayDown).state).toBe('down');
    expect(unavailableNodes(order, killed, threeSayDown)).toEqual(['n3']);
  });

  it('is up when every live node believes it alive', () => {
    const matrix = matrixOf(() => 'alive');
    expect(nodeVerdict('n2' as NodeId, allUp.n2, matrix)).toEqual({
      state: 'up',
      doubtedBy: [],
      heldDownBy: [],
    });
    expect(verdictSource(nodeVerdict('n2' as NodeId, allUp.n2, matrix))).toBe('');
  });
});
