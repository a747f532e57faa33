import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The cockpit lives in web/; `vite build` writes web/dist, which `cabin start` serves at `/`.
// `vite` (dev) proxies the API to a `cabin start` running on the default port.
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/api/v2x/stream': { target: 'ws://127.0.0.1:8080', ws: true },
      '^/api/conversation/[^/]+/voice': { target: 'ws://127.0.0.1:8080', ws: true },
      '/api': 'http://127.0.0.1:8080',
    },
  },
});
