import type { OpenExportOptions } from './containers.js';

/**
 * The member limit of `options`, as an export is opened under it: a reading again must use the first one's.
 * Its own module, apart from the readers, so the rebuild can hand it on without loading them at cold start.
 */
export function memberLimit(options: {
  readonly maxMemberBytes?: number | undefined;
}): Pick<OpenExportOptions, 'maxMemberBytes'> {
  return options.maxMemberBytes === undefined ? {} : { maxMemberBytes: options.maxMemberBytes };
}
