/**
 * The operator UI is built into dist/ui, next to the compiled service, which serves it at `/`
 * (src/interfaces/web/serve-ui.ts). Vite transforms the TSX itself; no React plugin is needed
 * for a production build.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 500, // the forms chunk (rjsf + ajv) is the largest, ~390 kB
    rolldownOptions: {
      // rjsf marks its modules 'use client' for React Server Components; irrelevant in a bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/health': 'http://localhost:8080' } },
});
