import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder of the run lives in one private folder, removed at the end.
    globalSetup: ['test/helpers/global-tmp.ts'],
    // The worker's event loop turns between tests (see the file).
    setupFiles: ['test/helpers/yield-between-tests.ts'],
    // Integration tests start real apt, dpkg and dnf runs in mount namespaces.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts for its "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
