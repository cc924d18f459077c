import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Room for a machine four times slower than a quiet 2-core one (`npm run test:loaded`): a
    // timeout says something hangs, never that the machine is busy.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll's default (1 s) is a timing assertion in disguise on a loaded machine.
    expect: { poll: { timeout: 20_000, interval: 20 } },
    // Tests start real servers on port 0 and child processes; keep parallelism modest on 2-core CI.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
