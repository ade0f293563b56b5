import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Main and preload come from src-main/app; the renderer from src-renderer. The sandboxed preload
// must be a single CommonJS file, so it bundles its imports (the API contract) instead of
// requiring them.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      // The job worker is its own entry: searches run in a worker thread (src-main/jobs/worker).
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/app/main.ts'), jobWorker: resolve(__dirname, 'src-main/jobs/worker/jobWorker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [svelte()],
    resolve: { alias: { '@api': resolve(__dirname, 'src-main/api') } },
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
