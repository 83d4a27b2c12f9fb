/**
 * Guards of servers that listen on this machine only: the local stack's API and the viewer's signing proxy.
 * A page of another site whose name was rebound to 127.0.0.1 (DNS rebinding) reaches them as same-origin,
 * but its requests still carry its own name in `Host`; answering only loopback names keeps it out.
 */

/** A loopback interface or peer address: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, `localhost`. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && (/^(127\.|::1$|::ffff:127\.)/.test(address) || address === 'localhost');
}

const LOOPBACK_HOST = /^(?:localhost|[a-z0-9-]+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/** A Host header naming this machine (`127.0.0.1:3000`, `localhost`, `[::1]:3000`), or none (HTTP/1.0). */
export function namesThisMachine(host: string | undefined): boolean {
  return host === undefined || LOOPBACK_HOST.test(host);
}

export const NOT_THIS_MACHINE = 'this server answers requests addressed to 127.0.0.1 or localhost only';
