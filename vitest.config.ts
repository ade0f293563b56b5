import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src-main/**/*.test.ts); integration and end-to-end tests under
// test/. Everything runs under plain Node; the browser tests drive Debian's Chromium.
export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
