import type { ClusterEvent, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { buildForwardOnly, forwardOnlySteps } from './forwardOnly.ts';

const n = (id: string) => id as NodeId;
const forwarded = {
  type: 'request.forwarded',
  at: 1_000,
  node: n('n3'),
  requestId: 'c24',
  op: 'put',
  key: 'apple',
  to: n('n2'),
  opNumber: 7,
} as ClusterEvent;
const expired = {
  type: 'request.forward-expired',
  at: 6_204,
  node: n('n3'),
  requestId: 'c24',
  op: 'put',
  key: 'apple',
  to: n('n2'),
  waitedMs: 5_204,
} as ClusterEvent;
const sent = (id: number, opNumber: number) =>
  ({
    type: 'message.sent',
    at: 1_000,
    node: n('n3'),
    to: n('n2'),
    id,
    msg: 'forward',
    deliverAt: 1_400,
    opNumber,
  }) as ClusterEvent;

describe('a forwarded request its target never started', () => {
  it('tells the forward, that the target never received it, and that the forwarder gave up', () => {
    const model = buildForwardOnly('c24', [forwarded, expired], [sent(40, 7), sent(41, 8)]);
    expect(model?.message).toMatchObject({ id: 40, from: 'n3', to: 'n2' });
    expect(forwardOnlySteps(model as NonNullable<typeof model>)).toEqual([
      'n3 is not a replica of apple: it forwarded the put to n2, a replica, to coordinate.',
      'n2 never received the forward (a crashed or paused node takes in nothing).',
      'n3 gave up after 5,204 ms: the outcome is unknown — n2 may still have coordinated the put.',
    ]);
  });

  it('says the forward arrived when it did, and that the forwarder still waits before it gives up', () => {
    const delivered = {
      type: 'message.delivered',
      at: 1_400,
      node: n('n2'),
      from: n('n3'),
      id: 40,
      msg: 'forward',
    };
    const model = buildForwardOnly('c24', [forwarded], [sent(40, 7), delivered as ClusterEvent]);
    expect(forwardOnlySteps(model as NonNullable<typeof model>).slice(1)).toEqual([
      'n2 received the forward after 400 ms but reported no start of it.',
      "n3 is waiting for n2's answer.",
    ]);
  });

  it('claims nothing about the message when message events were not recorded (full speed)', () => {
    const model = buildForwardOnly('c24', [forwarded, expired]);
    expect(forwardOnlySteps(model as NonNullable<typeof model>)[1]).toBe('n2 never answered.');
  });

  it('is null for a request with no forward', () => {
    expect(buildForwardOnly('c24', [expired])).toBeNull();
  });
});
