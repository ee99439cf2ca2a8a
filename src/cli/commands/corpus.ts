import { InvalidArgumentError as CommanderArgumentError, type Command } from 'commander';
import { buildCorpus } from '../../corpus/buildCorpus.js';
import { DEFAULT_CORPUS_OPTIONS } from '../../corpus/corpusPlan.js';
import { CORPUS_PROFILES } from '../../corpus/profiles.js';
import type {
  CorpusCreditLooks,
  CorpusStings,
  CorpusParts,
  CorpusProfileName,
  MediaUse,
  Split,
} from '../../corpus/types.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { decodeOptionsFrom } from '../options.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CommanderArgumentError(`"${value}" is not a whole number.`);
  return n;
}

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new CommanderArgumentError(`"${value}" is not a number of minutes.`);
  return n;
}

interface CorpusCliOptions {
  media: string;
  out: string;
  series: number;
  episodes: number;
  seed: number;
  minMinutes: number;
  maxMinutes: number;
  maxWidth: number;
  profile: CorpusProfileName;
  jobs: number;
  splits?: Split[];
  use: MediaUse | 'all';
  parts?: CorpusParts;
  creditLooks?: CorpusCreditLooks;
  stings?: CorpusStings;
}

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

function profileName(value: string): CorpusProfileName {
  if (!Object.hasOwn(CORPUS_PROFILES, value))
    throw new CommanderArgumentError(
      `Unknown profile "${value}". Valid: ${Object.keys(CORPUS_PROFILES).join(', ')}.`,
    );
  return value as CorpusProfileName;
}

const USES: ReadonlyArray<MediaUse | 'all'> = ['train', 'eval', 'all'];

function useName(value: string): MediaUse | 'all' {
  if (!USES.includes(value as MediaUse | 'all'))
    throw new CommanderArgumentError(`Unknown use "${value}". Valid: ${USES.join(', ')}.`);
  return value as MediaUse | 'all';
}

/** A parser for an option whose one value is `all` (leave it out for none); `what` names it. */
function onlyAll(what: string): (value: string) => 'all' {
  return (value) => {
    if (value !== 'all')
      throw new CommanderArgumentError(`Unknown ${what} "${value}". Valid: all (or leave it out).`);
    return value;
  };
}

function splitList(value: string): Split[] {
  const names = value.split(',').map((v) => v.trim());
  const bad = names.filter((n) => !SPLITS.includes(n as Split));
  if (bad.length > 0 || names.length === 0)
    throw new CommanderArgumentError(
      `Unknown split ${bad.map((b) => `"${b}"`).join(', ')}. Valid: ${SPLITS.join(', ')}.`,
    );
  return names as Split[];
}

/** `introdetect corpus`: builds a synthetic series corpus with exact labels from a media pool. */
export function registerCorpus(program: Command): void {
  const d = DEFAULT_CORPUS_OPTIONS;
  program
    .command('corpus')
    .description(
      'Build a synthetic corpus of TV-series episodes (cold open, recurring intro, body, credits) with exact labels, from openly licensed footage, music and speech. Resumable: run it again to finish an interrupted build.',
    )
    .requiredOption('--media <dir>', 'media pool with video/, music/ and speech/ folders')
    .requiredOption(
      '--out <dir>',
      'output folder (episodes, labels.json, manifest.json, splits.json)',
    )
    .option('--series <n>', 'number of series', integer, d.series)
    .option('--episodes <m>', 'episodes per series', integer, d.episodes)
    .option(
      '--seed <s>',
      'seed of the plan (same seed → same episodes and labels)',
      integer,
      d.seed,
    )
    .option(
      '--profile <name>',
      'episode shape: short (4–6-min episodes, the training corpora) or broadcast (20–45 min, intros up to 3 min and up to 10 min in, some seasons with two openings); sets the default --min-minutes/--max-minutes',
      profileName,
      'short' as CorpusProfileName,
    )
    .option('--min-minutes <a>', 'shortest episode, minutes (≥ 0.5)', minutes, d.minMinutes)
    .option('--max-minutes <b>', 'longest episode, minutes', minutes, d.maxMinutes)
    .option(
      '--max-width <px>',
      'widest frame size the format draw may use (16:9)',
      integer,
      d.maxWidth,
    )
    .option('--jobs <j>', 'episodes rendered in parallel', integer, 1)
    .option(
      '--splits <list>',
      'render only these splits’ episodes, comma-separated (train, val, test); labels.json still lists all, and a run without it finishes the rest',
      splitList,
    )
    .option(
      '--use <use>',
      'plan only from pool files, fonts and voices of this use (train, eval, all); the pool’s MANIFEST.tsv (introdetect pool) gives each file’s use, a folder without one is all train',
      useName,
      'all',
    )
    .option(
      '--parts <which>',
      'all: every skippable part — "next time" previews cut from the next episode, recaps with their sound from any earlier episode (some narrated), credits interrupted by mid-credits scenes — and every part in labels.json ("parts"); left out: the parts of corpora built before it, planned byte for byte as then',
      onlyAll('parts'),
    )
    .option(
      '--credit-looks <which>',
      'all: credits in every look — rolled over the final scene, squeezed beside footage with a text column, some ending on an instrumental tail — besides scroll or cards over black or dimmed footage; left out: credits planned byte for byte as before',
      onlyAll('credit looks'),
    )
    .option(
      '--stings <which>',
      'all: studio stings of several designs — each series one of a few studios, each with its own name, background, motion and sound (a chord, a whoosh or a few seconds of music) — instead of the one sting all series share; left out: stings planned byte for byte as before',
      onlyAll('stings'),
    )
    .action(async (opts: CorpusCliOptions, cmd: Command) => {
      using interrupt = abortOnSignals();
      // Minutes not given on the command line come from the profile.
      const [profileMin, profileMax] = CORPUS_PROFILES[opts.profile].minutes;
      const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
      const result = await buildCorpus({
        ...decodeOptionsFrom(cmd),
        media: opts.media,
        out: opts.out,
        corpus: {
          seed: opts.seed,
          series: opts.series,
          episodes: opts.episodes,
          minMinutes: given('minMinutes') ? opts.minMinutes : profileMin,
          maxMinutes: given('maxMinutes') ? opts.maxMinutes : profileMax,
          maxWidth: opts.maxWidth,
          ...(opts.use !== 'all' ? { use: opts.use } : {}),
          // Left out for short, so the stamps of corpora built before profiles still match.
          ...(opts.profile === 'short' ? {} : { profile: opts.profile }),
          // Left out when not given, so the stamps of corpora built before it still match.
          ...(opts.parts ? { parts: opts.parts } : {}),
          ...(opts.creditLooks ? { creditLooks: opts.creditLooks } : {}),
          ...(opts.stings ? { stings: opts.stings } : {}),
        },
        jobs: Math.max(1, opts.jobs),
        ...(opts.splits ? { splits: opts.splits } : {}),
        signal: interrupt.signal,
      });
      process.stdout.write(
        `${result.built.length + result.skipped.length} of ${result.plan.episodes.length} episodes (${result.built.length} built, ${result.skipped.length} already there) → ${opts.out}/labels.json\n`,
      );
    });
}
