/**
 * Dummy configuration for timing the functions' module init: enough for each handler's cold-start config
 * parsing to succeed (test/unit/bench/handler-env.test.ts keeps it so as the configs grow).
 */
export const HANDLER_ENV = {
  TABLE_NAME: 'bench-table',
  BUCKET_NAME: 'bench-bucket',
  CURSOR_SIGNING_KEY: 'benchmark-cursor-signing-key-0123456789',
  // The rebuild waits out the ingest's timeout before its final count; the stages' value.
  INGEST_TIMEOUT_SECONDS: '300',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'dummy',
  AWS_SECRET_ACCESS_KEY: 'dummy',
  // Lambda runs a newer Node; the SDK's warning about this one is no part of a real cold start.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
