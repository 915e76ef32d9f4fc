import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real apt and dpkg runs in mount namespaces.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
