/**
 * The "one link" controls of the Faults tab: what the "from" and "to" selects show, and so what a
 * click acts on. The chosen values are React state and go stale: a "from" that left the cluster, or
 * a "to" equal to the new "from", which the "to" select cannot list. A select whose value is not
 * among its options shows its first option, so the buttons must act on that option too, never on
 * the stale choice (which once made "Cut one way" disabled for no visible reason, and labelled a
 * slow link "n2↔n2").
 */

export interface LinkChoice {
  /** The link's first node, or '' for every link. */
  source: string;
  /** What the "to" select lists: every node but the source. */
  targets: string[];
  /** The link's second node ('' when there is none to choose). */
  target: string;
}

export function linkChoice(order: readonly string[], from: string, to: string): LinkChoice {
  const source = order.includes(from) ? from : '';
  const targets = order.filter((id) => id !== source);
  const target = targets.includes(to) ? to : (targets[0] ?? '');
  return { source, targets, target };
}
