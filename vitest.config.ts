import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests start real local servers (DynamoDB Local on a JVM, s3rver); two cores only.
    maxWorkers: 2,
  },
});
