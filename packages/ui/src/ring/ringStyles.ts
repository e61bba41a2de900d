/**
 * The ring view's CSS: the pulse of moved ranges once they have swept open (the token and sweep
 * animations are d3 transitions, ringTransition.ts), switched off under
 * `prefers-reduced-motion: reduce` (SPEC §2); and a visible keyboard focus ring.
 */
export const ringCss = `
@keyframes kv-moved-pulse { 0%, 100% { opacity: 1; } 50% { opacity: 0.45; } }
.kv-moved { animation: kv-moved-pulse 1.4s ease-in-out 1.6s 3; }
.kv-focusable:focus { outline: none; }
.kv-focusable:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
@media (prefers-reduced-motion: reduce) {
  .kv-moved { animation: none; }
}
`;
