import { contextOf, emptyClock, newVersion, nodeId, type Version } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { versionGraph } from './versionGraph.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The chapter's example, written as the engine writes it: D1, D2 via Sx; D3 via Sy, D4 via Sz; D5 via Sx. */
function chapterVersions() {
  const d1 = newVersion({
    context: emptyClock,
    coordinator: nodeId('Sx'),
    now: 1,
    value: bytes('D1'),
    local: [],
  });
  const d2 = newVersion({
    context: d1.clock,
    coordinator: nodeId('Sx'),
    now: 2,
    value: bytes('D2'),
    local: [d1],
  });
  const d3 = newVersion({
    context: d2.clock,
    coordinator: nodeId('Sy'),
    now: 3,
    value: bytes('D3'),
    local: [],
  });
  const d4 = newVersion({
    context: d2.clock,
    coordinator: nodeId('Sz'),
    now: 4,
    value: bytes('D4'),
    local: [],
  });
  const context = contextOf([d3, d4]);
  const d5 = newVersion({ context, coordinator: nodeId('Sx'), now: 5, value: bytes('D5'), local: [d2] });
  return { d1, d2, d3, d4, d5 };
}

const edgesOf = (graph: ReturnType<typeof versionGraph>) =>
  graph.edges.map((e) => `${e.from}→${e.to}`).sort();

describe('versionGraph', () => {
  it('draws the D3/D4 → D5 example as the chapter does: only neighbours joined, one row per generation', () => {
    const { d1, d2, d3, d4, d5 } = chapterVersions();
    const graph = versionGraph([d5, d3, d1, d4, d2], { Sx: [d5], Sy: [d5], Sz: [d5] });
    expect(graph.nodes.map((n) => n.id)).toEqual(['Sx:1', 'Sx:2', 'Sy:1', 'Sz:1', 'Sx:3']);
    // D1 → D5 is implied through D2, D3 and D4: no arrow of its own.
    expect(edgesOf(graph)).toEqual(['Sx:1→Sx:2', 'Sx:2→Sy:1', 'Sx:2→Sz:1', 'Sy:1→Sx:3', 'Sz:1→Sx:3']);
    expect(graph.nodes.map((n) => [n.row, n.column])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 0],
    ]);
    expect(graph.columns).toBe(2);
    expect(graph.nodes.map((n) => n.status)).toEqual([
      'replaced',
      'replaced',
      'replaced',
      'replaced',
      'latest',
    ]);
    expect(graph.nodes[4]?.holders).toEqual(['Sx', 'Sy', 'Sz']);
  });

  it('calls concurrent versions the replicas keep siblings, and one that a replica missed a newer write of stale', () => {
    const { d2, d3, d4 } = chapterVersions();
    const graph = versionGraph([d2], { Sx: [d2], Sy: [d3, d4], Sz: [d4] });
    const status = Object.fromEntries(graph.nodes.map((n) => [n.id, n.status]));
    expect(status).toEqual({ 'Sx:2': 'stale', 'Sy:1': 'sibling', 'Sz:1': 'sibling' });
    expect(graph.nodes.find((n) => n.id === 'Sz:1')?.holders).toEqual(['Sy', 'Sz']);
  });

  it('keeps two blind writes through one coordinator apart (their dots differ, though neither saw the other)', () => {
    const a = newVersion({
      context: emptyClock,
      coordinator: nodeId('n1'),
      now: 1,
      value: bytes('a'),
      local: [],
    });
    const b = newVersion({
      context: emptyClock,
      coordinator: nodeId('n1'),
      now: 2,
      value: bytes('b'),
      local: [a],
    });
    const graph = versionGraph([], { n1: [a, b] });
    expect(graph.edges).toEqual([]);
    expect(graph.nodes.map((n) => n.status)).toEqual(['sibling', 'sibling']);
    expect(graph.nodes.map((n) => n.row)).toEqual([0, 0]);
  });

  it('shows a delete as the latest version and nothing for a key no replica holds', () => {
    const put = newVersion({
      context: emptyClock,
      coordinator: nodeId('n2'),
      now: 1,
      value: bytes('x'),
      local: [],
    });
    const del: Version = newVersion({
      context: put.clock,
      coordinator: nodeId('n2'),
      now: 2,
      value: null,
      local: [put],
    });
    const graph = versionGraph([put], { n2: [del] });
    expect(graph.nodes.map((n) => [n.id, n.status])).toEqual([
      ['n2:1', 'replaced'],
      ['n2:2', 'latest'],
    ]);
    expect(versionGraph([], { n1: [], n2: [] })).toEqual({ nodes: [], edges: [], columns: 0 });
  });
});
