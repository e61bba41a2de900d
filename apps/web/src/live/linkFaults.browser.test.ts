/**
 * The lab's network faults as changes (linkFaults.ts): each sets the link faults the workers apply
 * and says the same fault as a scenario file does — one pair both ways, or every link.
 */

import { type NodeId, nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import {
  healChange,
  linkEnds,
  lossyLinkChange,
  oneWayCutChange,
  partitionChange,
  slowLinkChange,
} from './linkFaults.ts';
import { noFaults } from './network.ts';

const ids = nodeIds(3);
const [n1, n2, n3] = ids as [NodeId, NodeId, NodeId];

describe('network faults as changes', () => {
  it('keys a pair by its ends in either order, and every link by *', () => {
    const pair = lossyLinkChange(noFaults, linkEnds(n2, n1, ids), 0.3);
    expect(pair.faults.lossy).toEqual({ 'n1-n2': 0.3 });
    expect(pair.scenario).toEqual([
      { type: 'loss', probability: 0.3, duplicate: 0, reorder: 0, from: [n2], to: [n1], bothWays: true },
    ]);
    expect(pair.label).toBe('lossy link: n2↔n1 drops 30% of messages');
    const every = slowLinkChange(noFaults, linkEnds('*', null, ids), 300, 400);
    expect(every.faults.slow).toEqual({ '*': 300 });
    expect(every.nodes).toEqual([]);
    expect(every.scenario).toEqual([
      { type: 'slow', latency: { kind: 'constant', ms: 700 }, from: ids, to: ids, bothWays: true },
    ]);
  });

  it('partitions, cuts one way and heals, resuming the paused nodes in the scenario too', () => {
    const split = partitionChange(noFaults, { n3: 1 }, ids);
    expect(split.label).toBe('partition n1,n2 | n3');
    expect(split.scenario).toEqual([{ type: 'partition', groups: [[n1, n2], [n3]] }]);
    const cut = oneWayCutChange(split.faults, n1, n3);
    expect(cut.faults).toMatchObject({ groups: { n3: 1 }, oneWay: ['n1->n3'] });
    expect(healChange([n2])).toMatchObject({
      faults: noFaults,
      scenario: [{ type: 'heal' }, { type: 'resume', node: n2 }],
    });
  });
});
