/**
 * The autoscaler policy (SPEC 1.7): sustained high load adds a node, sustained low load removes
 * the least loaded one that can leave, bursts and the cool-down change nothing, and the size stays
 * within bounds.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../protocol/ids.ts';
import {
  type AutoscalerSettings,
  type AutoscalerState,
  autoscalerStart,
  checkAutoscalerSettings,
  decideScaling,
  type ScalingDecision,
} from './autoscaler.ts';

const settings: AutoscalerSettings = {
  highLoadPerNode: 100,
  lowLoadPerNode: 20,
  minNodes: 3,
  maxNodes: 6,
  sustainMs: 10_000,
  coolDownMs: 30_000,
};

const loads = (count: number, each: number): Record<NodeId, number> =>
  Object.fromEntries([...Array(count).keys()].map((i) => [`n${i + 1}`, each]));

/** Feeds one observation per second from `from` to `to` and returns every non-hold decision. */
function run(from: number, to: number, load: (t: number) => Record<NodeId, number>, start = autoscalerStart) {
  let state: AutoscalerState = start;
  const changes: { at: number; decision: ScalingDecision }[] = [];
  for (let t = from; t <= to; t += 1_000) {
    const step = decideScaling(state, settings, t, load(t));
    state = step.state;
    if (step.decision.kind !== 'hold') changes.push({ at: t, decision: step.decision });
  }
  return { changes, state };
}

describe('autoscaler policy', () => {
  it('adds a node once the load per node has stayed above the threshold for sustainMs', () => {
    const { changes } = run(0, 20_000, () => loads(4, 150));
    expect(changes).toEqual([{ at: 10_000, decision: { kind: 'add', loadPerNode: 150 } }]);
  });

  it('does not scale on a burst shorter than sustainMs', () => {
    const { changes } = run(0, 60_000, (t) => loads(4, t >= 5_000 && t < 12_000 ? 500 : 50));
    expect(changes).toEqual([]);
  });

  it('removes the least loaded node under sustained low load, keeping the first nodes on ties', () => {
    const uneven = { n1: 10, n2: 3, n3: 10, n4: 10, n5: 10 } as Record<NodeId, number>;
    expect(run(0, 10_000, () => uneven).changes[0]?.decision).toMatchObject({ kind: 'remove', node: 'n2' });
    expect(run(0, 10_000, () => loads(5, 1)).changes[0]?.decision).toMatchObject({
      kind: 'remove',
      node: 'n5',
    });
  });

  it('removes only a node that can leave now, and holds when none can', () => {
    // n2 is paused: it coordinates nothing, the least loaded, but it cannot hand its ranges over.
    const paused = { n1: 10, n2: 0, n3: 10, n4: 8, n5: 10 } as Record<NodeId, number>;
    const up = (id: NodeId) => id !== 'n2';
    const step = decideScaling(autoscalerStart, { ...settings, sustainMs: 0 }, 0, paused, up);
    expect(step.decision).toMatchObject({ kind: 'remove', node: 'n4' });
    const none = decideScaling(autoscalerStart, { ...settings, sustainMs: 0 }, 0, paused, () => false);
    expect(none.decision).toMatchObject({
      kind: 'hold',
      reason: 'no node that could leave now (each is down, paused or busy)',
    });
    expect(none.state.lastChangeAt).toBeNull();
  });

  it('waits for the cool-down between two changes', () => {
    const { changes } = run(0, 60_000, () => loads(4, 150));
    expect(changes.map((c) => c.at)).toEqual([10_000, 40_000]);
  });

  it('never grows past maxNodes nor shrinks below minNodes', () => {
    expect(run(0, 60_000, () => loads(6, 1_000)).changes).toEqual([]);
    expect(run(0, 60_000, () => loads(3, 0)).changes).toEqual([]);
    const held = decideScaling({ ...autoscalerStart, aboveSince: 0 }, settings, 20_000, loads(6, 1_000));
    expect(held.decision).toMatchObject({ kind: 'hold', reason: 'at the maximum of 6 nodes' });
  });

  it('refuses settings without a gap between the thresholds or with sizes out of order', () => {
    expect(checkAutoscalerSettings(settings)).toBeNull();
    expect(checkAutoscalerSettings({ ...settings, lowLoadPerNode: 100 })?.code).toBe('KV_INVALID_ARGUMENT');
    expect(checkAutoscalerSettings({ ...settings, minNodes: 7 })?.code).toBe('KV_INVALID_ARGUMENT');
  });
});
