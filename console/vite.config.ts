import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves console/dist at /console/ with an SPA fallback; `npx vite --config
// console/vite.config.ts` runs a dev server that forwards API calls to a running joincode.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: { '/api': process.env.JOINCODE_URL ?? 'http://localhost:3000' },
  },
});
