import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { ExtendedPreferenceList } from '../ring/preferenceList.ts';
import { chooseReplicas } from './sloppyQuorum.ts';

const [n1, n2, n3, n4, n5] = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId) as NodeId[] as [
  NodeId,
  NodeId,
  NodeId,
  NodeId,
  NodeId,
];
const list: ExtendedPreferenceList = {
  tokenIndex: 0,
  nodes: [n2, n4, n1],
  fallbacks: [n5, n3],
  underReplicated: false,
};
const aliveExcept =
  (...down: NodeId[]) =>
  (node: NodeId) =>
    !down.includes(node);

describe('chooseReplicas', () => {
  it('asks the top-N preference list when everyone is alive, in either mode', () => {
    expect(chooseReplicas(list, 'sloppy', aliveExcept()).targets).toEqual([n2, n4, n1]);
    expect(chooseReplicas(list, 'strict', aliveExcept()).targets).toEqual([n2, n4, n1]);
  });

  it('replaces a down replica with the next healthy fallback, which holds a hint for it', () => {
    const choice = chooseReplicas(list, 'sloppy', aliveExcept(n4));
    expect(choice.targets).toEqual([n2, n5, n1]);
    expect(choice.hintFor.get(n5)).toBe(n4);
  });

  it('skips down fallbacks and keeps preference order for several down replicas', () => {
    const choice = chooseReplicas(list, 'sloppy', aliveExcept(n2, n1, n5));
    expect(choice.targets).toEqual([n3, n4, n1]);
    expect([...choice.hintFor]).toEqual([[n3, n2]]);
  });

  it('never uses stand-ins under a strict quorum', () => {
    const choice = chooseReplicas(list, 'strict', aliveExcept(n4));
    expect(choice.targets).toEqual([n2, n4, n1]);
    expect(choice.hintFor.size).toBe(0);
  });
});

describe('chooseReplicas with data centres', () => {
  const [w1, w2, w3, e1, e2] = ['w1', 'w2', 'w3', 'e1', 'e2'].map(nodeId) as [
    NodeId,
    NodeId,
    NodeId,
    NodeId,
    NodeId,
  ];
  const dataCentreOf = new Map<NodeId, string>([
    [w1, 'west'],
    [w2, 'west'],
    [w3, 'west'],
    [e1, 'east'],
    [e2, 'east'],
  ]);
  // Walk order e2 w3 e1 w1 w2 with { west: 2, east: 1 }: replicas e2 w3 w1, stand-ins e1 w2.
  const dcList = { nodes: [e2, w3, w1], fallbacks: [e1, w2], dataCentreOf };

  it('takes a stand-in from the data centre of the replica it replaces, not the next in the walk', () => {
    const choice = chooseReplicas(dcList, 'sloppy', aliveExcept(w3));
    expect(choice.targets).toEqual([e2, w2, w1]);
    expect(choice.hintFor.get(w2)).toBe(w3);
  });

  it('takes no stand-in when the replica’s data centre has no healthy node left', () => {
    const choice = chooseReplicas(dcList, 'sloppy', aliveExcept(e2, e1));
    expect(choice.targets).toEqual([e2, w3, w1]);
    expect(choice.hintFor.size).toBe(0);
  });
});
