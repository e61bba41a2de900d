import { emptyClock, newVersion, nodeId } from '@kvscope/engine';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VersionGraphView } from './VersionGraphView.tsx';
import { versionGraph } from './versionGraph.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);

describe('VersionGraphView', () => {
  it('draws two concurrent writes as siblings, each with its clock and holders, and their merge below both', () => {
    const red = newVersion({
      context: emptyClock,
      coordinator: nodeId('n1'),
      now: 1,
      value: bytes('red'),
      local: [],
    });
    const green = newVersion({
      context: emptyClock,
      coordinator: nodeId('n2'),
      now: 2,
      value: bytes('green'),
      local: [],
    });
    const before = renderToStaticMarkup(
      <VersionGraphView graph={versionGraph([], { n1: [red, green], n2: [green] })} text={text} />,
    );
    expect(before.match(/data-status="sibling"/g)).toHaveLength(2);
    expect(before).toContain('“red”');
    expect(before).toContain('[n1:1]');
    expect(before).toContain('held by n1, n2');
    // No arrow: neither write saw the other.
    expect(before).not.toContain('<line');

    const merged = newVersion({
      context: [...red.clock, ...green.clock],
      coordinator: nodeId('n1'),
      now: 3,
      value: bytes('blue'),
      local: [red, green],
    });
    const after = renderToStaticMarkup(
      <VersionGraphView graph={versionGraph([red, green], { n1: [merged], n2: [merged] })} text={text} />,
    );
    expect(after.match(/data-status="replaced"/g)).toHaveLength(2);
    expect(after).toContain('data-status="latest"');
    expect(after).toContain('saw n1:1, n2:1');
    expect(after.match(/<line/g)).toHaveLength(2);
  });

  it('says so when there is nothing to draw', () => {
    const html = renderToStaticMarkup(<VersionGraphView graph={versionGraph([], {})} text={text} />);
    expect(html).toContain('No replica holds this key');
  });
});
