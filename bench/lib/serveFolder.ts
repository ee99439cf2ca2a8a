/** A plain local HTTP server for one folder (live HLS playlists and segments in the benches). */
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export async function serveFolder(
  root: string,
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const p = normalize(join(root, new URL(req.url ?? '/', 'http://x').pathname));
    if (!p.startsWith(root) || !existsSync(p)) {
      res.writeHead(404).end();
      return;
    }
    createReadStream(p).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}/${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
