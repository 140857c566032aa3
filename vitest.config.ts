import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end files each start Chromium, a host and a sandbox.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
