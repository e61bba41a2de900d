import { messageValidators } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { nodeStyles } from '../shared/nodeStyle.ts';
import { messageStyle } from './messageStyle.ts';

describe('message and node styles', () => {
  it('gives every message type the engine knows its own shape-and-colour pair and a label', () => {
    const types = Object.keys(messageValidators);
    const pairs = types.map((t) => `${messageStyle(t).shape}/${messageStyle(t).colour}`);
    expect(new Set(pairs).size).toBe(types.length);
    for (const t of types) expect(messageStyle(t).label).not.toBe('other');
  });

  it('draws future gossip, hint and Merkle types by family, and anything else as "other"', () => {
    expect(messageStyle('gossip-digest').shape).toBe('hexagon');
    expect(messageStyle('hint-replay').shape).toBe('star');
    expect(messageStyle('merkle-digest').shape).toBe('plus');
    expect(messageStyle('merkle-digest').label).toBe('merkle-digest');
    expect(messageStyle('teleport').label).toBe('other');
  });

  it('styles a node by its id alone, the same in every view, and keeps 16 nodes distinct', () => {
    const a = nodeStyles(['n10', 'n4', 'n1']);
    const b = nodeStyles(['n1', 'n2', 'n3', 'n4', 'n5', 'n10']);
    expect(a.get('n4')).toEqual(b.get('n4'));
    expect(a.get('n10')).toEqual(b.get('n10'));
    expect(nodeStyles(['alpha']).get('alpha')).toEqual(nodeStyles(['beta', 'alpha']).get('alpha'));
    const ids = Array.from({ length: 16 }, (_, i) => `n${i + 1}`);
    const styles = nodeStyles(ids);
    const pairs = ids.map((id) => `${styles.get(id)?.shape}/${styles.get(id)?.colour}`);
    expect(new Set(pairs).size).toBe(16);
  });
});
