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
          // The slowest unit tests take 1–3.5 s on a quiet 2-core machine (CLI runs through tsx,
          // store backups, the streak cache); vitest's default 5 s failed them on a busy one.
          // No unit test asserts on time, so a generous budget only bounds a hang.
          testTimeout: 30_000,
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
