import { defineConfig } from 'vitest/config';

// Four projects so a newcomer can run one layer at a time (npm run test:unit, …).
// Integration and e2e share one DynamoDB Local started by test/support/global-setup.ts.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    // A focused test (`it.only`) left in a commit would silently skip the rest.
    allowOnly: false,
    // `npm test -- --coverage` (CI runs it so): what the shipped code's tests reach, with a floor that only rises.
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts', 'functions/src/**/*.ts', 'events/src/**/*.ts', 'infra/src/**/*.ts'],
      exclude: ['**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: '.ci/results/coverage',
      reportOnFailure: true,
      thresholds: { lines: 95, branches: 85, statements: 93 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/**/*.test.ts', 'functions/**/*.test.ts', 'events/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      // Issue 12's suites: hostile input, who may do what, and what survives races, replays and crashes.
      ...(['fuzz', 'authz', 'reliability'] as const).map((name) => ({
        extends: true as const,
        test: {
          name,
          include: [`test/${name}/**/*.test.ts`],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      })),
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
