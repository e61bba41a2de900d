/**
 * Whether the user asked for reduced motion (`prefers-reduced-motion: reduce`), kept current if the
 * setting changes while the page is open. The ring then skips its token transitions, and the
 * cluster's messages step instead of gliding (useDisplayClock).
 */

import { useEffect, useState } from 'react';

const query = '(prefers-reduced-motion: reduce)';

export function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const update = () => setReduced(media.matches);
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, []);
  return reduced;
}
