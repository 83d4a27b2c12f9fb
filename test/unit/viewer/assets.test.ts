import { describe, expect, it } from 'vitest';
import { buildViewerAssets, viewerContentSecurityPolicy } from '../../../viewer/assets.js';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('viewerContentSecurityPolicy', () => {
  it('allows nothing but the viewer’s own scripts, styles and images, and its API', () => {
    const policy = directives(
      viewerContentSecurityPolicy('https://abc.execute-api.eu-west-1.amazonaws.com/prod'),
    );
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self'");
    expect(policy.get('connect-src')).toBe("'self' https://abc.execute-api.eu-west-1.amazonaws.com");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('require-trusted-types-for')).toBe("'script'");
    expect([...policy.values()].join(' ')).not.toMatch(/unsafe|\*/);
  });

  it('calls only its own origin by default', () => {
    expect(directives(viewerContentSecurityPolicy()).get('connect-src')).toBe("'self'");
  });

  it('refuses an API base URL that is not http(s), saying which', () => {
    expect(() => viewerContentSecurityPolicy('javascript:alert(1)')).toThrow(
      'API base URL "javascript:alert(1)" must be http or https, not javascript:',
    );
    expect(() => viewerContentSecurityPolicy('/api')).toThrow('is not an absolute URL');
  });
});

describe('buildViewerAssets', () => {
  it('builds the page, script, stylesheet and icon with content types', async () => {
    const assets = await buildViewerAssets();
    expect([...assets.keys()]).toEqual(
      expect.arrayContaining(['/', '/index.html', '/app.js', '/app.css', '/favicon.svg']),
    );
    expect(assets.get('/')).toBe(assets.get('/index.html'));
    expect(assets.get('/app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('/app.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it('writes the API base URL and a meta CSP into the page, without inline script', async () => {
    const assets = await buildViewerAssets({ apiBaseUrl: 'https://api.example.com/"><script>' });
    const html = assets.get('/index.html')?.body.toString('utf8') ?? '';
    expect(html).toContain('content="https://api.example.com/&quot;&gt;&lt;script&gt;"');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*connect-src 'self' https:\/\/api.example.com;/,
    );
    expect(html).not.toContain('frame-ancestors');
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="app.js">']);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('writes an API base URL holding $ patterns as given (a replacement string would expand them)', async () => {
    const apiBaseUrl = "https://api.example.com/a$'b$&c$$d";
    const html = (await buildViewerAssets({ apiBaseUrl })).get('/index.html')?.body.toString('utf8') ?? '';
    expect(html).toContain(
      `<meta name="sessionizer-api-base-url" content="${apiBaseUrl.replace('&', '&amp;')}">`,
    );
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="app.js">']);
  });

  it('never writes HTML from strings in the bundle', async () => {
    const script = (await buildViewerAssets({ minify: false })).get('/app.js')?.body.toString('utf8') ?? '';
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});
