/**
 * The ring's membership-change animation, as d3 transitions on the marks React has drawn in their
 * final state (so with no animation — reduced motion, server rendering, a test — the picture is
 * already right, and the transition only ever plays *towards* what the engine reported):
 *
 *   entering tokens   fly in radially from outside the circle and fade in, one after another
 *                     clockwise, so a viewer sees where the new node lands;
 *   leaving tokens    drift outwards and fade to ghosts;
 *   moved ranges      sweep open clockwise along their arc, after the tokens have landed.
 *
 * It runs once per change (the effect's dependencies are the two ring states), never on the page's
 * ordinary re-renders, and is interrupted cleanly by the next change or unmount. d3 only touches
 * `transform`, the `opacity` and `stroke-opacity` *styles* and a moved range's `d` during the tween,
 * and hands each back (removed, or the final path) at the end, so it never fights React over an
 * attribute.
 */

import type { Ring } from '@kvscope/engine';
import { arc as d3Arc, easeCubicOut, interpolateNumber, select, transition } from 'd3';
import { type RefObject, useEffect } from 'react';

/** How long one token takes to land, and the stagger between successive tokens. */
export const tokenFlightMs = 700;
export const tokenStaggerMs = 45;
/** How long a moved range takes to sweep open. */
export const rangeSweepMs = 600;

/** How far outside the circle entering tokens start (and leaving ones end), as a scale factor. */
const flightScale = 1.35;

export function useRingTransition(
  svg: RefObject<SVGSVGElement | null>,
  ring: Ring,
  previousRing: Ring | null | undefined,
  animate: boolean,
  band: { inner: number; outer: number },
): void {
  useEffect(() => {
    const root = svg.current;
    const reduced = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    if (!root || !previousRing || previousRing === ring || !animate || reduced) return;
    const view = select(root);
    // One named transition the marks inherit their timing from. (Using d3's `transition` also keeps
    // d3-transition's selection.transition patch in the bundle: d3 is marked free of side effects.)
    const change = transition('ring-change').duration(tokenFlightMs).ease(easeCubicOut);
    const entering = view.selectAll<SVGGElement, unknown>('[data-change="enters"]');
    const count = entering.size();
    entering
      .attr('transform', `scale(${flightScale})`)
      .style('opacity', '0')
      .transition(change)
      .delay((_d, i) => i * tokenStaggerMs)
      .attr('transform', 'scale(1)')
      .style('opacity', '1')
      .on('end interrupt', function end() {
        select(this).attr('transform', null).style('opacity', null);
      });
    view
      .selectAll<SVGGElement, unknown>('[data-change="leaves"]')
      .transition(change)
      .attr('transform', `scale(${flightScale * 0.9})`)
      .style('opacity', '0.35');
    const sweep = d3Arc<{ startAngle: number; endAngle: number }>()
      .innerRadius(band.inner)
      .outerRadius(band.outer);
    const span = (path: SVGPathElement) => ({
      start: Number(path.getAttribute('data-moved-start')),
      end: Number(path.getAttribute('data-moved-end')),
    });
    view
      .selectAll<SVGPathElement, unknown>('[data-moved-start]')
      .attr('d', function closed() {
        const { start } = span(this);
        return sweep({ startAngle: start, endAngle: start }) ?? '';
      })
      // A closed arc would still show its outline as a radial tick: hide it until it opens.
      .style('stroke-opacity', '0')
      .transition(change)
      .delay(Math.min(count, 16) * tokenStaggerMs + tokenFlightMs / 2)
      .duration(rangeSweepMs)
      .attrTween('d', function tween() {
        const { start, end } = span(this);
        const at = interpolateNumber(start, end);
        return (t: number) => sweep({ startAngle: start, endAngle: at(t) }) ?? '';
      })
      .style('stroke-opacity', '1')
      .on('end interrupt', function end() {
        select(this).style('stroke-opacity', null);
      });
    return () => {
      view.selectAll('[data-change], [data-moved-start]').interrupt('ring-change');
    };
  }, [svg, ring, previousRing, animate, band.inner, band.outer]);
}
