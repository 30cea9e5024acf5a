import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A terminal shows live progress already; piped (CI, logs) the default reporter prints a file
    // only when it ends, and the fuzz files run a minute or two. Verbose prints each test as it passes.
    reporters: process.stdout.isTTY ? ['default'] : ['verbose'],
  },
});
