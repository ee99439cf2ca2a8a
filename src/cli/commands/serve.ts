import type { Command } from 'commander';
import { DEFAULT_PASSES, parsePasses } from '../../fusion/detectEpisode.js';
import { parseEdlActions } from '../../fusion/formats/edl.js';
import { parseSidecarKinds, SIDECAR_KINDS } from '../../fusion/formats/sidecar.js';
import { checkBinding, createServer } from '../../serve/createServer.js';
import { LABEL_SPLITS, parseLabelSplit, type LabelSplit } from '../../watch/corrections.js';
import { abortOnSignals } from '../abortOnSignals.js';
import {
  commanderParser,
  decodeOptionsFrom,
  type DetectionFlags,
  detectionOptionsFrom,
  REFINE_HELP,
  wholeNumberAtLeast,
} from '../options.js';

interface ServeCliOptions extends DetectionFlags {
  port: number;
  host: string;
  token?: string;
  state?: string;
  split: LabelSplit;
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
    .option(
      '--passes <n>',
      'detection jobs: 2 (keyframes first, then every frame near the boundaries; falls back to 1 where that would not pay) or 1 (every frame)',
      commanderParser(parsePasses),
      DEFAULT_PASSES,
    )
    .option(
      '--format <list>',
      'season jobs and corrections: result files per episode, as watch --format (default: what the watcher recorded in its state file, else json)',
    )
    .option(
      '--sidecar',
      'season jobs and corrections: write <video name>.edl beside each video (default: as the watcher recorded)',
      false,
    )
    .option(
      '--sidecar-formats <list>',
      `season jobs and corrections: sidecars, comma-separated: ${Object.keys(SIDECAR_KINDS).join(', ')} (implies --sidecar)`,
      commanderParser(parseSidecarKinds),
    )
    .option(
      '--edl-action <list>',
      'season jobs and corrections: EDL action per segment kind, e.g. intro=3,credits=0',
      commanderParser(parseEdlActions),
    )
    .option('--refine', `season jobs: ${REFINE_HELP}`, false)
    .option(
      '--split <split>',
      `training split of corrected episodes in /labels.json: ${LABEL_SPLITS.join(' | ')}`,
      commanderParser(parseLabelSplit),
      'train',
    )
    .action(async (library: string, opts: ServeCliOptions, cmd: Command) => {
      checkBinding(opts.host, opts.token);
      // Any output option replaces what the watcher recorded, as a whole.
      const { detect, output } = detectionOptionsFrom(opts);
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const server = await createServer({
        root: library,
        ...decodeOptionsFrom(cmd),
        ...(opts.state !== undefined ? { statePath: opts.state } : {}),
        ...(opts.token !== undefined ? { token: opts.token } : {}),
        ...detect,
        ...(output ? { output } : {}),
        labelSplit: opts.split,
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
