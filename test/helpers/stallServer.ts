import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface StallingServer {
  url: (path: string) => string;
  /** Connections accepted so far (a stall, unlike a refusal, accepts). */
  connections: () => number;
  close: () => Promise<void>;
}

/**
 * A real TCP server on 127.0.0.1 that accepts every connection and then stalls, never closing
 * it. Without `body` it never answers at all. With `body` it answers each request as HTTP
 * (200, the whole `Content-Length`) but sends only the first `sendBytes` bytes of the body.
 */
export async function stallingServer(
  opts: { body?: Buffer; sendBytes?: number } = {},
): Promise<StallingServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const body = opts.body;
    if (!body) return; // read nothing, answer nothing
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, opts.sendBytes ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}/${p}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
