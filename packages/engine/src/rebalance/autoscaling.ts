/**
 * The autoscaler in the simulator (SPEC 1.7): every `intervalMs` the runner measures the load per
 * member — client requests each one coordinated in the interval, per second — asks the pure policy
 * (membership/autoscaler.ts) and carries its decision out through the nemesis, so an added node
 * joins (streams its ranges, then serves) and a removed one is decommissioned, each logged on the
 * fault timeline like any scheduled change. Added nodes are named `as1`, `as2`, …. It decides
 * nothing while a change is under way, and removes only a node that is up.
 */

import {
  type AutoscalerSettings,
  type AutoscalerState,
  autoscalerStart,
  decideScaling,
} from '../membership/autoscaler.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { AutoscalerSpec } from '../scenario/types.ts';
import type { Nemesis } from '../simulation/nemesis.ts';
import type { Simulation } from '../simulation/simulation.ts';

/** Schedules the autoscaler's rounds from `intervalMs` to `endMs`. */
export function startAutoscaler(
  sim: Simulation,
  nemesis: Nemesis,
  spec: AutoscalerSpec,
  endMs: number,
): void {
  const settings: AutoscalerSettings = spec;
  const started = new Map<NodeId, number>();
  sim.onEvent((event) => {
    if (event.type === 'request.started') started.set(event.node, (started.get(event.node) ?? 0) + 1);
  });
  let state: AutoscalerState = autoscalerStart;
  let added = 0;
  const round = () => {
    const loads: Record<NodeId, number> = {};
    for (const id of nemesis.members) loads[id] = ((started.get(id) ?? 0) * 1_000) / spec.intervalMs;
    started.clear();
    // As in the lab: no decision while a change streams its ranges or waits (one at a time).
    if (!nemesis.changeUnderWay) decide(loads);
    if (sim.now + spec.intervalMs <= endMs) sim.schedule(sim.now + spec.intervalMs, 'autoscaler', round);
  };
  const decide = (loads: Record<NodeId, number>) => {
    const step = decideScaling(state, settings, sim.now, loads, (id) => sim.state(id) === 'up');
    state = step.state;
    const { decision } = step;
    if (decision.kind === 'add') {
      const node = nodeId(`as${++added}`);
      nemesis.declare(node);
      nemesis.apply({ atMs: sim.now, type: 'join', node });
    }
    if (decision.kind === 'remove')
      nemesis.apply({ atMs: sim.now, type: 'decommission', node: decision.node, force: false });
  };
  if (spec.intervalMs <= endMs) sim.schedule(spec.intervalMs, 'autoscaler', round);
}
