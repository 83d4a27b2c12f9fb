import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ViewerAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ViewerBuildOptions {
  /** Where the lookup API is, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`; default: the viewer's own origin. */
  readonly apiBaseUrl?: string;
  /** Minified bundles (default); off keeps them readable while working on the viewer. */
  readonly minify?: boolean;
}

const SOURCE_DIR = fileURLToPath(new URL('./src/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function contentType(path: string): string {
  const extension = path.slice(path.lastIndexOf('.'));
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** The API's origin, or undefined for the viewer's own; rejects anything but an absolute http(s) URL. */
export function apiOrigin(apiBaseUrl: string | undefined): string | undefined {
  if (apiBaseUrl === undefined || apiBaseUrl === '') return undefined;
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    throw new Error(`API base URL "${apiBaseUrl}" is not an absolute URL such as https://api.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`API base URL "${apiBaseUrl}" must be http or https, not ${url.protocol}`);
  }
  return url.origin;
}

function policy(apiBaseUrl: string | undefined, { forMetaTag }: { forMetaTag: boolean }): string {
  const api = apiOrigin(apiBaseUrl);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${api === undefined ? '' : ` ${api}`}`,
    "base-uri 'none'",
    "form-action 'self'",
    // Browsers ignore frame-ancestors in a <meta> tag (and warn about it): header only.
    ...(forMetaTag ? [] : ["frame-ancestors 'none'"]),
    // No code may write HTML from strings: innerHTML and friends throw, whatever slips past review.
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** The Content-Security-Policy header to serve the viewer with. */
export function viewerContentSecurityPolicy(apiBaseUrl?: string): string {
  return policy(apiBaseUrl, { forMetaTag: false });
}

/** Headers for every viewer asset: the CSP, no MIME sniffing, no referrer leaking a user id to other sites. */
export function viewerSecurityHeaders(apiBaseUrl?: string): Record<string, string> {
  return {
    'content-security-policy': viewerContentSecurityPolicy(apiBaseUrl),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Builds the viewer in memory: `/` and `/index.html`, `/app.js` (+ `/app.js.map`), `/app.css`, `/favicon.svg`.
 * The page also carries its CSP in a meta tag, for static hosts that send no headers.
 */
export async function buildViewerAssets(options: ViewerBuildOptions = {}): Promise<Map<string, ViewerAsset>> {
  const apiBaseUrl = options.apiBaseUrl ?? '';
  apiOrigin(apiBaseUrl);
  const result = await build({
    entryPoints: [
      { in: `${SOURCE_DIR}main.ts`, out: 'app' },
      { in: `${SOURCE_DIR}app.css`, out: 'app' },
    ],
    outdir: '/viewer-out',
    bundle: true,
    format: 'esm',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, ViewerAsset>();
  for (const file of result.outputFiles) {
    const path = file.path.slice('/viewer-out'.length);
    assets.set(path, { contentType: contentType(path), body: Buffer.from(file.contents) });
  }
  const template = await readFile(`${SOURCE_DIR}index.html`, 'utf8');
  // Functions, not strings, as replacements: a string's `$'`, `$&` or `$$` (a URL may hold them) would expand.
  const html = template
    .replace('{{CSP}}', () => escapeAttribute(policy(apiBaseUrl, { forMetaTag: true })))
    .replace('{{API_BASE_URL}}', () => escapeAttribute(apiBaseUrl));
  const index: ViewerAsset = { contentType: contentType('.html'), body: Buffer.from(html) };
  assets.set('/', index);
  assets.set('/index.html', index);
  assets.set('/favicon.svg', {
    contentType: contentType('.svg'),
    body: await readFile(`${SOURCE_DIR}favicon.svg`),
  });
  return assets;
}
