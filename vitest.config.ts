import { defineConfig } from 'vitest/config';

// Two projects: fast pure-logic tests, and integration tests against real
// Mosquitto / Home Assistant / ESPHome (started once per run by the global setup).
export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // One Mosquitto + Home Assistant + emulated-devices stack per run (tests/stack/stack.ts).
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
