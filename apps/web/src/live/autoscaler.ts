/**
 * The autoscaler in the live lab (SPEC 1.7, §2 "autoscaler"): once a second it measures the client
 * requests each serving node coordinated (per second), asks the engine's pure policy
 * (`decideScaling`: add under sustained high load, remove the least loaded node under sustained low
 * load, hold during the cool-down and at the size bounds) and carries an add or remove out through
 * the same membership actions as the buttons. Each change it makes is on the event log and the fault
 * timeline with the load that caused it; the latest decision (a hold and its reason too) is in the store.
 *
 * Settings are refused with a sentence: the engine's checks (thresholds with a gap, sizes in order)
 * plus the lab's own — the minimum size cannot be below N, or removing a node would leave keys with
 * fewer than N replicas.
 */

import {
  type AutoscalerSettings,
  type AutoscalerState,
  autoscalerCoolDownMs,
  autoscalerIntervalMs,
  autoscalerStart,
  autoscalerSustainMs,
  checkAutoscalerSettings,
  decideScaling,
  type NodeId,
} from '@kvscope/engine';
import { sharedNow } from '../shared/workerApi.ts';
import type { LabStore } from './labStore.ts';
import { labNodesMax } from './membership.ts';
import type { MembershipChanges } from './membershipChanges.ts';

export interface AutoscalerView {
  enabled: boolean;
  settings: AutoscalerSettings;
  /** The latest decision in words ("hold: load within the thresholds (1.2 ops/s per node)"). */
  decision: string | null;
}

/**
 * The lab's defaults: the engine's sustain and cool-down; thresholds around the workload menu (the
 * gentle default of 2 ops/s over 5 nodes is low load, 100 ops/s is high); sizes from N=3 to 8.
 */
export const autoscalerDefaults: AutoscalerSettings = {
  highLoadPerNode: 10,
  lowLoadPerNode: 1,
  minNodes: 3,
  maxNodes: 8,
  sustainMs: autoscalerSustainMs,
  coolDownMs: autoscalerCoolDownMs,
};

export const autoscalerOff: AutoscalerView = { enabled: false, settings: autoscalerDefaults, decision: null };

/** Why these settings cannot run with N replicas, in one sentence; null when they can. */
export function autoscalerProblem(s: AutoscalerSettings, n: number): string | null {
  const engine = checkAutoscalerSettings(s);
  if (engine && s.lowLoadPerNode >= s.highLoadPerNode)
    return `Remove below ${s.lowLoadPerNode} ops/s must be under add above ${s.highLoadPerNode} ops/s, or each change would call for the next.`;
  if (engine && s.minNodes > s.maxNodes)
    return `The minimum size ${s.minNodes} is above the maximum size ${s.maxNodes}.`;
  if (engine) return `${engine.sentence[0]?.toUpperCase()}${engine.sentence.slice(1)}.`;
  if (s.minNodes < n)
    return `The minimum size ${s.minNodes} is below N=${n}: shrinking to it would leave keys with fewer than N replicas.`;
  if (s.maxNodes > labNodesMax) return `The maximum size is at most ${labNodesMax} nodes in this lab.`;
  return null;
}

const rate = (v: number) => `${v.toFixed(1)} ops/s per node`;

const savedKey = 'kvscope.autoscaler';
const settingNames = [
  'highLoadPerNode',
  'lowLoadPerNode',
  'minNodes',
  'maxNodes',
  'sustainMs',
  'coolDownMs',
] as const;

/** The switch and settings saved by the last change, so a reload keeps them; null when none or unreadable. */
export function savedAutoscaler(): { enabled: boolean; settings: AutoscalerSettings } | null {
  try {
    const raw = JSON.parse(localStorage.getItem(savedKey) ?? 'null') as {
      enabled?: unknown;
      settings?: Record<string, unknown>;
    } | null;
    if (!raw || typeof raw.enabled !== 'boolean' || typeof raw.settings !== 'object' || raw.settings === null)
      return null;
    const settings = { ...autoscalerDefaults };
    for (const name of settingNames) {
      const v = raw.settings[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) return null;
      settings[name] = v;
    }
    return { enabled: raw.enabled, settings };
  } catch {
    return null;
  }
}

export class LiveAutoscaler {
  private timer: ReturnType<typeof setInterval> | null = null;
  private state: AutoscalerState = autoscalerStart;
  private readonly coordinated = new Map<NodeId, number>();
  private since = sharedNow();

  constructor(
    private readonly store: LabStore,
    private readonly membership: MembershipChanges,
  ) {}

  /** Takes up the saved switch and settings after a reload (refused settings stay off). */
  restore(): void {
    const saved = savedAutoscaler();
    if (saved) this.configure(saved);
  }

  /** Counts a client request sent to `coordinator` (the load the policy reads). */
  countRequest(coordinator: NodeId): void {
    if (this.timer) this.coordinated.set(coordinator, (this.coordinated.get(coordinator) ?? 0) + 1);
  }

  /** Switches it on or off and/or changes its settings; returns a refusal sentence or null. */
  configure(patch: { enabled?: boolean; settings?: AutoscalerSettings }): string | null {
    const current = this.store.getState().autoscaler;
    const settings = patch.settings ?? current.settings;
    const enabled = patch.enabled ?? current.enabled;
    const problem = autoscalerProblem(settings, this.store.getState().settings.n);
    if (problem && enabled) return problem;
    this.store.setState({ autoscaler: { ...current, enabled, settings } });
    localStorage.setItem(savedKey, JSON.stringify({ enabled, settings }));
    if (enabled && !this.timer) this.start();
    if (!enabled && this.timer) this.stop();
    if (patch.enabled !== undefined && patch.enabled !== current.enabled) {
      const s = settings;
      const text = enabled
        ? `autoscaler on: ${s.minNodes}–${s.maxNodes} nodes, add above ${rate(s.highLoadPerNode)}, remove below ${rate(s.lowLoadPerNode)} (sustained ${s.sustainMs / 1000} s, cool-down ${s.coolDownMs / 1000} s)`
        : 'autoscaler off';
      this.membership.note('autoscaler', text, []);
    }
    return null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private start(): void {
    this.state = autoscalerStart;
    this.coordinated.clear();
    this.since = sharedNow();
    this.timer = setInterval(() => this.round(), autoscalerIntervalMs);
  }

  /** One measurement and one decision. */
  private round(): void {
    const now = sharedNow();
    const { membership, autoscaler } = this.store.getState();
    const seconds = Math.max(0.001, (now - this.since) / 1000);
    const serving = membership.ring.filter((id) => !membership.leaving.includes(id));
    const loads: Record<NodeId, number> = {};
    for (const id of serving) loads[id] = (this.coordinated.get(id) ?? 0) / seconds;
    this.coordinated.clear();
    this.since = now;
    if (membership.joining.length || membership.leaving.length) {
      this.show('hold: a membership change is still streaming its ranges');
      return;
    }
    // Only a node the lab would let the user remove now (up, not the last of N) may be chosen.
    const canLeave = (id: NodeId) => this.membership.removeProblem(id) === null;
    const step = decideScaling(this.state, autoscaler.settings, now, loads, canLeave);
    this.state = step.state;
    const { decision } = step;
    const s = autoscaler.settings;
    if (decision.kind === 'hold') {
      this.show(`hold: ${decision.reason} (${rate(decision.loadPerNode)})`);
      return;
    }
    const why =
      decision.kind === 'add'
        ? `load ${rate(decision.loadPerNode)} stayed above ${s.highLoadPerNode} for ${s.sustainMs / 1000} s`
        : `load ${rate(decision.loadPerNode)} stayed below ${s.lowLoadPerNode} for ${s.sustainMs / 1000} s; ${decision.node} is the least loaded`;
    this.show(`${decision.kind === 'add' ? 'add a node' : `remove ${decision.node}`}: ${why}`);
    const refused =
      decision.kind === 'add'
        ? this.membership.add(`autoscaler (${why})`)
        : this.membership.remove(decision.node, `autoscaler (${why})`);
    if (refused) this.membership.note('autoscaler', `autoscaler could not ${decision.kind}: ${refused}`, []);
  }

  private show(decision: string): void {
    this.store.setState((st) => ({ autoscaler: { ...st.autoscaler, decision } }));
  }
}
