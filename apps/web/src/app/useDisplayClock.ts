/**
 * The animation clock. Events reach the page in batches, a frame or two after they happened, so the
 * view draws the cluster as it was `displayLagMs` ago: every message drawn is one that really was
 * on the wire at that instant, moving at the speed it really moved (the drawing never replays
 * events slower than they happened). Each frame also forgets flights that have landed.
 *
 * With `prefers-reduced-motion`, the picture is redrawn only every `reducedMotionStepMs`: messages
 * step along their links instead of gliding.
 */

import { useEffect, useState } from 'react';
import type { LabStore } from '../live/labStore.ts';
import { pruneFlights } from '../live/labStore.ts';
import { sharedNow } from '../shared/workerApi.ts';

/** How far behind real time the drawing runs: covers the workers' event batching interval. */
export const displayLagMs = 120;
/** Redraw interval when the user asked for reduced motion. */
export const reducedMotionStepMs = 600;

export function useDisplayClock(store: LabStore): number {
  const [now, setNow] = useState(() => sharedNow() - displayLagMs);
  useEffect(() => {
    let frame = 0;
    let drawnAt = 0;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const tick = () => {
      const displayNow = sharedNow() - displayLagMs;
      if (reduced && displayNow - drawnAt < reducedMotionStepMs) {
        frame = requestAnimationFrame(tick);
        return;
      }
      drawnAt = displayNow;
      const pruned = pruneFlights(store.getState(), displayNow);
      if (pruned) store.setState(pruned);
      // Nothing in flight, nothing moves: skip the redraw (at full speed links show counts instead).
      if (pruned || Object.keys(store.getState().flights).length > 0) setNow(displayNow);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [store]);
  return now;
}
