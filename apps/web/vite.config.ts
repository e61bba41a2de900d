/**
 * The lab's build. Served cross-origin isolated (COOP/COEP, TOOLCHAIN.md pitfall 8) on 127.0.0.1 — a
 * secure context, which OPFS needs — by both the dev server and `vite preview`. Static assets
 * (favicon, scenario and lesson files) come from the repository's `public/`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  publicDir: fileURLToPath(new URL('../../public', import.meta.url)),
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: isolation },
  build: { target: 'es2022', sourcemap: true },
});
