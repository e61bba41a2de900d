/**
 * What the page's own link asks of the live cluster: `?nodes=16` (a larger cluster a teacher
 * shares), `?delay=0` (the link delay in ms, e.g. full speed for a benchmark) and `?workload=off`.
 * Read once, when the page starts (main.tsx).
 *
 * A value the lab cannot use is not used, and the page says so in a sentence (App.tsx shows them
 * above the lab): a shared link with `?nodes=2` used to open five nodes without a word, and
 * `?delay=abc` ran the links at no delay while the network control read "Classroom · 400 ms".
 */

import { type ClusterSettings, settingsProblem } from './settings.ts';

/** Nodes a `?nodes=` link may start: the 16 the issue asks the page to carry, with room to spare. */
export const linkNodesMax = 32;
/** The slowest link a `?delay=` link may ask for: 5× classroom speed (timeouts follow the delay). */
export const linkDelayMaxMs = 2_000;
export const defaultDelayMs = 400;

export interface PageLink {
  settings: ClusterSettings;
  /** Whether the link set the node count: the member list saved by an add or remove then does not reopen. */
  nodesAsked: boolean;
  delayMs: number;
  workloadOff: boolean;
  /** One sentence per value of the link that the lab did not use, and what it did instead. */
  ignored: string[];
}

/** The link's parameters applied over `saved` (the settings remembered from the last visit). */
export function readPageLink(search: string, saved: ClusterSettings): PageLink {
  const params = new URLSearchParams(search);
  const ignored: string[] = [];
  const nodes = params.get('nodes');
  const nodesProblem = nodes === null ? null : nodeCountProblem(nodes, saved);
  if (nodesProblem)
    ignored.push(
      `The link asks for ${quoteLinkValue(nodes)} nodes, which the lab does not start: ${nodesProblem}`,
    );
  const nodesAsked = nodes !== null && !nodesProblem;
  const settings = nodesAsked ? { ...saved, nodes: Number(nodes) } : saved;

  const delay = params.get('delay');
  const delayUsable = delay === null || isDelay(delay);
  if (!delayUsable)
    ignored.push(
      `The link's delay ${quoteLinkValue(delay)} is not a whole number of milliseconds from 0 to ${linkDelayMaxMs.toLocaleString('en')}; the links take ${defaultDelayMs} ms.`,
    );
  const delayMs = delay !== null && delayUsable ? Number(delay) : defaultDelayMs;

  const workload = params.get('workload');
  if (workload !== null && workload !== 'on' && workload !== 'off')
    ignored.push(`The link's workload ${quoteLinkValue(workload)} is neither on nor off; the workload runs.`);
  return { settings, nodesAsked, delayMs, workloadOff: workload === 'off', ignored };
}

function nodeCountProblem(raw: string, saved: ClusterSettings): string | null {
  const count = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(count) || count < 1)
    return 'that is not a whole number of nodes.';
  if (count > linkNodesMax) return `a link may start at most ${linkNodesMax}.`;
  return settingsProblem({ ...saved, nodes: count });
}

function isDelay(raw: string): boolean {
  const ms = Number(raw);
  return raw.trim() !== '' && Number.isInteger(ms) && ms >= 0 && ms <= linkDelayMaxMs;
}

/** A link's raw value in quotes, cut short: it is whatever someone typed. */
export function quoteLinkValue(raw: string | null): string {
  const text = raw ?? '';
  return `“${text.length > 24 ? `${text.slice(0, 24)}…` : text}”`;
}
