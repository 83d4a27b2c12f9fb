import type { IncomingMessage } from 'node:http';

/** What a request asks for, in origin form, and the host it addresses. */
export interface RequestTarget {
  /** The path and query as sent (still percent-encoded), e.g. `/users/a%2Fb/sessions?limit=5`. */
  readonly pathAndQuery: string;
  /** The path alone, e.g. `/users/a%2Fb/sessions`. */
  readonly path: string;
  /** The authority of an absolute-form target, else the Host header; undefined without either (HTTP/1.0). */
  readonly host: string | undefined;
}

const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)$/;

/**
 * Reads a request's target. HTTP/1.1 servers must accept the absolute form (`GET http://host/path`, which
 * proxies send), and then use its host instead of the Host header (RFC 9112, 3.2.2); the other forms
 * (`*`, `host:port`) name no resource here.
 */
export function readRequestTarget(req: IncomingMessage): RequestTarget | { readonly problem: string } {
  const target = req.url ?? '/';
  if (target.startsWith('/')) return originForm(target, req.headers.host);
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute === null) return { problem: 'the request target must be a path or an http:// URL' };
  const [, scheme = '', authority = '', rest = ''] = absolute;
  if (scheme.toLowerCase() !== 'http') {
    return { problem: `the request target's scheme is ${scheme}; this server speaks http` };
  }
  if (authority === '' || authority.includes('@')) {
    return { problem: 'the request target must name a host, without user information' };
  }
  return originForm(rest.startsWith('/') ? rest : `/${rest}`, authority);
}

function originForm(pathAndQuery: string, host: string | undefined): RequestTarget {
  const queryAt = pathAndQuery.indexOf('?');
  return { pathAndQuery, path: queryAt === -1 ? pathAndQuery : pathAndQuery.slice(0, queryAt), host };
}
