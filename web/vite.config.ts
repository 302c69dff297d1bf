import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the Zongheng process itself (src/server/console.ts) from web/dist.
// `npm run dev:web` runs Vite's dev server with the API proxied to a running `zongheng start`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/api': process.env.ZONGHENG_URL ?? 'http://127.0.0.1:8420', '/healthz': process.env.ZONGHENG_URL ?? 'http://127.0.0.1:8420' },
  },
});
