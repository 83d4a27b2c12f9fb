// Messages between startS3Local (parent) and the s3rver child process (s3rver-process.ts).
import type { RawS3rverEvent, S3Operation } from './s3-event.js';

/** Passed to the child as its single argv entry, JSON-encoded. */
export interface S3rverChildConfig {
  directory: string;
  bucket: string;
}

export type ChildToParent =
  | { type: 'ready'; port: number }
  | { type: 'fatal'; message: string }
  | { type: 'event'; event: RawS3rverEvent; operation?: S3Operation };

export type ParentToChild = { type: 'shutdown' };

export function isChildToParent(message: unknown): message is ChildToParent {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    (message.type === 'ready' || message.type === 'fatal' || message.type === 'event')
  );
}
