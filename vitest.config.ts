import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, fast) and `e2e` (real ffmpeg on clips generated in the
// test, the built CLI). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // ffmpeg is CPU-bound and CI has 2 cores: one test file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
