import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export interface LocalServer {
  url: (path: string) => string;
  close: () => Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 serving files from `root`. `dropAfterBytes` makes it cut
 * every response after that many bytes (a dropped connection, mid-transfer).
 */
export async function serveFolder(
  root: string,
  opts: { dropAfterBytes?: number } = {},
): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    const path = normalize(
      join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)),
    );
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    const type = path.endsWith('.m3u8')
      ? 'application/vnd.apple.mpegurl'
      : path.endsWith('.ts')
        ? 'video/mp2t'
        : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': String(size) });
    const stream = createReadStream(path);
    if (opts.dropAfterBytes === undefined) {
      stream.pipe(res);
      return;
    }
    let sent = 0;
    const limit = opts.dropAfterBytes;
    stream.on('data', (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (sent + buf.length >= limit) {
        res.write(buf.subarray(0, limit - sent));
        stream.destroy();
        res.socket?.destroy();
        return;
      }
      sent += buf.length;
      res.write(buf);
    });
    stream.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}/${p}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Headless Chromium from Debian's `chromium` package, through playwright-core, in a fresh
 * profile folder: how the browser tests (and scripts/screenshot-review.ts) load the review
 * page. `close()` ends the browser and removes the profile.
 */
export async function launchChromium(
  options: { viewport?: { width: number; height: number }; deviceScaleFactor?: number } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'introdetect-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.deviceScaleFactor ? { deviceScaleFactor: options.deviceScaleFactor } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
