/**
 * Clock skew in the live lab (SPEC §2: "clock skew for the last-write-wins contrast"): a node's clock
 * runs ahead of or behind the page's. It is the node's one clock, as in the simulator's `skew`
 * fault: the timestamps it stamps versions with — what last-write-wins keeps the latest of — and the
 * deadlines of its timers (set a clock back, and a timer already set waits the longer for its time).
 * The choices the Faults panel offers, how the lab words a clock, and the store's list of skews.
 */

/** The clocks the Faults panel offers, in ms off the page's: right, or seconds either way (a click's worth and more). */
export const clockSkewChoices = [-30_000, -10_000, -2_000, 0, 2_000, 10_000, 30_000] as const;

/** "10 s behind", "2 s ahead", "right": how far a clock is off the page's. */
export function skewWords(ms: number): string {
  if (ms === 0) return 'right';
  const seconds = Math.abs(ms) / 1_000;
  return `${seconds.toLocaleString('en-US')} s ${ms < 0 ? 'behind' : 'ahead'}`;
}

/** The timeline's line for a node's clock set `ms` off the page's. */
export function clockSkewText(id: string, ms: number): string {
  return ms === 0
    ? `${id}'s clock set right`
    : `${id}'s clock set ${skewWords(ms)}: it stamps its writes ${skewWords(ms)}${ms > 0 ? ' of' : ''} the others`;
}

/** The skews with `id`'s set to `ms` (a clock set right is not listed). */
export function withSkew(
  skews: Readonly<Record<string, number>>,
  id: string,
  ms: number,
): Record<string, number> {
  const { [id]: _old, ...others } = skews;
  return ms === 0 ? others : { ...others, [id]: ms };
}
