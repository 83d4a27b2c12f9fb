// placeholder: replaced by the lead's implementation
import type { RebuildRequest } from '../../contract/index.js';

/** Fails every step, so a rebuild started before the real implementation lands stops at `Begin`. */
export async function handler(request: RebuildRequest): Promise<never> {
  throw new Error(`rebuild '${request.action}' is not implemented yet`);
}
