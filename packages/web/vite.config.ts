// Builds the interfaces as one multi-page app: dist/admin/index.html, dist/user/index.html and the remote-access
// page dist/rac/index.html share the hashed chunks in dist/assets/, which the core serves at /if/assets/ (see packages/core/src/routes/web.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/if/',
  // Preact's automatic JSX runtime through Vite's own transform: no Babel preset to install or run.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Module preload is native in every browser the console supports: no polyfill chunk.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      input: { admin: 'admin/index.html', user: 'user/index.html', rac: 'rac/index.html' },
    },
  },
});
