/**
 * The ring view's CSS: token enter/leave animations and the pulse of moved ranges, all switched
 * off under `prefers-reduced-motion: reduce` (SPEC §2); and a visible keyboard focus ring.
 */
export const ringCss = `
@keyframes kv-token-enter { from { transform: scale(0); opacity: 0; } to { transform: scale(1); opacity: 1; } }
@keyframes kv-token-leave { from { opacity: 1; } to { opacity: 0.45; } }
@keyframes kv-moved-pulse { 0%, 100% { opacity: 1; } 50% { opacity: 0.45; } }
.kv-token-enter { animation: kv-token-enter 900ms ease-out both; transform-box: fill-box; transform-origin: center; }
.kv-token-leave { animation: kv-token-leave 900ms ease-in both; }
.kv-moved { animation: kv-moved-pulse 1.4s ease-in-out 3; }
.kv-focusable:focus { outline: none; }
.kv-focusable:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
@media (prefers-reduced-motion: reduce) {
  .kv-token-enter, .kv-token-leave, .kv-moved { animation: none; }
}
`;
