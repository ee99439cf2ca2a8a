import { InvalidArgumentError as CommanderArgumentError, type Command } from 'commander';
import { buildPool } from '../../corpus/pool/buildPool.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { decodeOptionsFrom } from '../options.js';

interface PoolCliOptions {
  out: string;
  media?: string;
  packages?: string[];
  debs?: string;
  offline?: boolean;
  jobs: number;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CommanderArgumentError(`"${value}" is not a whole number of at least 1.`);
  return n;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** `introdetect pool`: fetches and prepares the corpus media pool, each file with its use. */
export function registerPool(program: Command): void {
  program
    .command('pool')
    .description(
      'Build the media pool the corpus draws from: the shared media plus footage (photos cut into pans and zooms), music and fonts from Debian packages, listed in OUT/MANIFEST.tsv with source, license and use (train or eval, by whole source). Resumable: run it again to finish an interrupted build.',
    )
    .requiredOption('--out <dir>', 'pool folder (git-ignored, e.g. .cache/pool)')
    .option(
      '--media <dir>',
      'shared media folder to include (video/, music/, speech/, MANIFEST.tsv)',
    )
    .option(
      '--packages <list>',
      'Debian packages to take, comma-separated (default: all; "" for none)',
      list,
    )
    .option(
      '--debs <dir>',
      'folder of .deb files, downloaded there when missing (default OUT/debs)',
    )
    .option('--offline', 'never download: use only the .deb files already in --debs')
    .option('--jobs <n>', 'packages prepared in parallel', integer, 1)
    .action(async (opts: PoolCliOptions, cmd: Command) => {
      using interrupt = abortOnSignals();
      const result = await buildPool({
        ...decodeOptionsFrom(cmd),
        out: opts.out,
        ...(opts.media ? { media: opts.media } : {}),
        ...(opts.packages ? { packages: opts.packages } : {}),
        ...(opts.debs ? { debs: opts.debs } : {}),
        offline: opts.offline ?? false,
        jobs: opts.jobs,
        signal: interrupt.signal,
      });
      const count = (use: string): number => result.entries.filter((e) => e.use === use).length;
      process.stdout.write(
        `${result.entries.length} files (${count('train')} train, ${count('eval')} eval; ${result.built.length} packages prepared, ${result.skipped.length} already there) in ${result.seconds.toFixed(1)} s → ${opts.out}/MANIFEST.tsv\n`,
      );
    });
}
