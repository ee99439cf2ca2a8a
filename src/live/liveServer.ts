import Fastify, { type FastifyInstance } from 'fastify';
import type { ChannelRunner } from './channelRunner.js';

export interface LiveServerOptions {
  port: number;
  /** Interface to listen on (default 127.0.0.1; `0.0.0.0` for every interface). */
  host?: string;
}

/**
 * The live process's HTTP face (`stream --serve PORT`):
 * - `GET /health` — 200 `{ status, channels, connected, uptimeSeconds }` while the process
 *   runs; `status` is `ok` when no channel is failed or reconnecting, else `degraded`.
 * - `GET /channels`, `GET /channels/:name` — per-channel status: state, seconds behind live,
 *   last event, reconnects, webhook deliveries.
 * - `GET /channels/:name/live.m3u8` — the channel's live playlist re-published with
 *   EXT-X-DATERANGE skip ranges (HLS inputs with program date-time), segment URIs pointing at
 *   the origin.
 */
export async function startLiveServer(
  runner: ChannelRunner,
  options: LiveServerOptions,
): Promise<{ app: FastifyInstance; url: string; close: () => Promise<void> }> {
  const started = Date.now();
  const app = Fastify({ logger: false });
  const notFound = (name: string) => ({
    error: 'NOT_FOUND',
    message: `No channel named "${name}". GET /channels lists them.`,
  });

  app.get('/health', async () => {
    const channels = await runner.status();
    const troubled = channels.filter((c) => c.state === 'failed' || c.state === 'reconnecting');
    return {
      status: troubled.length === 0 ? 'ok' : 'degraded',
      channels: channels.length,
      connected: channels.filter((c) => c.state === 'connected').length,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    };
  });
  app.get('/channels', async () => runner.status());
  app.get<{ Params: { name: string } }>('/channels/:name', async (req, reply) => {
    const channel = runner.channel(req.params.name);
    if (!channel) return reply.code(404).send(notFound(req.params.name));
    return channel.status();
  });
  app.get<{ Params: { name: string } }>('/channels/:name/live.m3u8', async (req, reply) => {
    const channel = runner.channel(req.params.name);
    if (!channel) return reply.code(404).send(notFound(req.params.name));
    const text = channel.playlist();
    if (text === undefined) {
      return reply.code(404).send({
        error: 'NO_PLAYLIST',
        message: `Channel "${req.params.name}" has no playlist to re-publish yet (its input must be an HLS playlist).`,
      });
    }
    return reply
      .header('content-type', 'application/vnd.apple.mpegurl')
      .header('cache-control', 'no-cache')
      .send(text);
  });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => app.close(),
  };
}
