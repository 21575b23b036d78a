import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server (Lms.Server) serves dist/ and answers /api; `npm run dev` proxies /api to a local server.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // scripts/size-budget.mjs (run by `npm run build`) reads which files each page loads from the manifest.
    manifest: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:5000' },
      '/hubs': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
});
