// Vite config for the screen. build/renderer-build.ts builds with this file; the output in
// dist/renderer is what the host serves over http://127.0.0.1 and Electron loads.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { voskCspPlugin } from '../build/vosk-csp.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// `vite` dev server only: forward the host WebSocket to a running host so the screen can be
// developed against it (LINTEL_HOST_URL=http://127.0.0.1:<port>).
const devHost = process.env['LINTEL_HOST_URL'];

export default defineConfig({
  root: here('./'),
  // Relative asset URLs: the same build is loaded from a custom scheme and from http.
  base: './',
  // vosk-browser's worker must run without eval under the screen's CSP (see build/vosk-csp.ts).
  plugins: [vue(), voskCspPlugin()],
  resolve: {
    alias: { '@contract': here('../electron/contract/index.ts') },
  },
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // Inlined assets would become data: URLs the CSP does not need to allow for scripts/fonts.
    assetsInlineLimit: 0,
  },
  server: devHost
    ? { proxy: { '/host': { target: devHost, ws: true } } }
    : {},
});
