import { describe, expect, it } from 'vitest';
import { linkChoice } from './linkChoice.ts';

describe('linkChoice', () => {
  const order = ['n1', 'n2', 'n3'];

  it('keeps a valid choice', () => {
    expect(linkChoice(order, 'n1', 'n3')).toEqual({ source: 'n1', targets: ['n2', 'n3'], target: 'n3' });
  });

  it('shows the first other node when "to" equals the new "from", as the select does', () => {
    expect(linkChoice(order, 'n2', 'n2')).toEqual({ source: 'n2', targets: ['n1', 'n3'], target: 'n1' });
  });

  it('reads a "from" or "to" that left the cluster as what the selects show', () => {
    expect(linkChoice(order, 'n6', 'n2').source).toBe('');
    expect(linkChoice(order, 'n1', 'n6').target).toBe('n2');
  });

  it('has no target in a one-node cluster', () => {
    expect(linkChoice(['n1'], 'n1', 'n2')).toEqual({ source: 'n1', targets: [], target: '' });
  });
});
