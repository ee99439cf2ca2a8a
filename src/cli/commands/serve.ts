import type { Command } from 'commander';
import { parseMode } from '../../fusion/modelConfig.js';
import { checkBinding, createServer } from '../../serve/createServer.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { commanderParser, decodeOptionsFrom, wholeNumberAtLeast } from '../options.js';

interface ServeCliOptions {
  port: number;
  host: string;
  token?: string;
  state?: string;
  mode?: string;
  models?: string;
  threads: number;
}

const port = commanderParser((v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`"${v}" is not a port (0–65535).`);
  return n;
});

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      "Serve LIBRARY_DIR over HTTP: the watcher's detections (state file and result files), season detection jobs, a review page with timelines, thumbnails and a player, and corrections exported as training labels (/labels.json). OpenAPI at /openapi.json.",
    )
    .argument('<library>', 'the media library folder (the one `introdetect watch` watches)')
    .option('--port <n>', 'port to listen on (0: any free port)', port, 8090)
    .option('--host <host>', 'address to bind; other than loopback needs --token', '127.0.0.1')
    .option(
      '--token <secret>',
      'bearer token every request must carry (or ?token= in the page URL)',
    )
    .option(
      '--state <file>',
      "the watcher's state file (default: LIBRARY_DIR/.introdetect-watch.json)",
    )
    .option('--mode <mode>', 'detection jobs: fused | vision (default: the model folder’s)')
    .option(
      '--models <dir>',
      'detection jobs: model folder (default: models/<mode>/ in the package)',
    )
    .option(
      '--threads <n>',
      'detection jobs: ONNX Runtime threads per operator',
      wholeNumberAtLeast(1),
      2,
    )
    .action(async (library: string, opts: ServeCliOptions, cmd: Command) => {
      checkBinding(opts.host, opts.token);
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const server = await createServer({
        root: library,
        ...decodeOptionsFrom(cmd),
        ...(opts.state !== undefined ? { statePath: opts.state } : {}),
        ...(opts.token !== undefined ? { token: opts.token } : {}),
        ...(opts.mode !== undefined ? { mode: parseMode(opts.mode) } : {}),
        ...(opts.models !== undefined ? { modelDir: opts.models } : {}),
        intraOpThreads: opts.threads,
        onWarning: (m) => log(`warning: ${m}`),
      });
      using interrupt = abortOnSignals({ onFirst: (name) => log(`${name}: stopping`) });
      const address = await server.listen({ port: opts.port, host: opts.host });
      log(`serving ${library} at ${address}/ (API: ${address}/openapi.json)`);
      await new Promise<void>((done) =>
        interrupt.signal.addEventListener('abort', () => done(), { once: true }),
      );
      await server.close();
    });
}
