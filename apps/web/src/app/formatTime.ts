/**
 * Times on the page are written as seconds since the page opened ("12.3 s"): short enough for a
 * projector, and the same scale in the event log, the timeline and the inspector. Event times are
 * on the page's shared wall-clock base (`sharedNow`), which starts at `performance.timeOrigin`.
 */

export function formatLabTime(at: number): string {
  return `${((at - performance.timeOrigin) / 1000).toFixed(1)} s`;
}
