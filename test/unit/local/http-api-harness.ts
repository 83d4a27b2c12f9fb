// Raw HTTP requests to the local API Gateway stand-in, byte for byte, for http-api*.test.ts.
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent byte for byte (fetch would normalise it), and `body` when given. */
export function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Sends `request` byte for byte and returns everything the server wrote until it closed. */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
      // Keep-alive answers leave the socket open: done once the announced body is complete.
      const end = response.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(response)?.[1];
      if (
        end !== -1 &&
        length !== undefined &&
        Buffer.byteLength(response.slice(end + 4)) >= Number(length)
      ) {
        socket.destroy();
        resolve(response);
      }
    });
    socket.once('end', () => resolve(response));
    socket.once('error', reject);
  });
}
