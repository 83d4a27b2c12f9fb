import type { Server } from 'node:http';

/** Stops a test's HTTP server now: open keep-alive connections would hold `close` until they time out. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((failure) => (failure ? reject(failure) : resolve()));
  });
}
