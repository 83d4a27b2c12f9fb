import { buildViewerAssets, viewerSecurityHeaders } from '../viewer/assets.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './stack.js';

/**
 * The stack as `npm start` runs it: the viewer served at `/`, same origin as the API, so its
 * Content-Security-Policy allows connecting to nothing else.
 */
export async function startLocalStackWithViewer(
  options: Omit<LocalStackOptions, 'staticAssets' | 'staticHeaders'>,
): Promise<LocalStack> {
  return startLocalStack({
    ...options,
    staticAssets: await buildViewerAssets(),
    staticHeaders: viewerSecurityHeaders(),
  });
}
