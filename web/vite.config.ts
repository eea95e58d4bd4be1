import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The server's source (web/tsconfig.json): the web app imports the API's types from it,
  // type-only, and the domain's closed sets (roles) as values.
  resolve: { alias: { '@server': fileURLToPath(new URL('../src', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The server's CSP (default-src 'self') refuses data: URLs, so never inline assets.
    assetsInlineLimit: 0,
    sourcemap: false,
    // The password policy engine's dictionaries (~1.7 MB) load on demand as their own chunk.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': {
        target: apiTarget,
        configure: (proxy) => {
          // The API refuses writes whose Origin differs from its own; in development the page is served by
          // Vite on another port, so present the API's origin instead.
          proxy.on('proxyReq', (proxyReq) => {
            if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', apiTarget);
          });
        },
      },
    },
  },
});
