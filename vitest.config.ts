import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Properties without a seed of their own take SEED, so that one seed draws a failed run again.
    setupFiles: ['test/helpers/property-seed.ts'],
    // Integration tests start real local servers (DynamoDB Local on a JVM, s3rver); two cores only.
    maxWorkers: 2,
    // The SDK's notice that Node 20 support ends in 2027 would bury the tests' own output (Lambda's
    // runtime decides that, not the test machine).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
