/**
 * Times on the page are written as seconds since the page opened ("12.3 s"): short enough for a
 * projector, and the same scale in the event log, the timeline and the inspector. Event times are
 * on the page's shared wall-clock base (`sharedNow`), which starts at `performance.timeOrigin`.
 */

/** The instant lab times count from (a timeline takes it to put its ticks on round seconds). */
export const labTimeOrigin = performance.timeOrigin;

export function formatLabTime(at: number): string {
  return `${((at - labTimeOrigin) / 1000).toFixed(1)} s`;
}
