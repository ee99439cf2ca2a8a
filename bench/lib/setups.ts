/** How the detect bench runs detect: the default setup and the variants compared with it. */
import { DEFAULT_PASSES, type Passes } from '../../src/fusion/detectEpisode.js';
import { DEFAULT_SKIP_LOOP_FILTER } from '../../src/streams/decodeArgs.js';

/** detect's default ONNX Runtime intra-op threads. */
export const THREADS = 2;

/**
 * How detect is run: the decoder's deblocking switch, other ffmpeg input options (before -i),
 * ONNX Runtime intra-op threads.
 */
export interface Setup {
  name: string;
  skipLoopFilter: boolean;
  inputOptions: string[];
  threads: number;
  /** detect's decoding passes (see Passes). */
  passes: Passes;
}

export const DEFAULT_SETUP: Setup = {
  name: `default (skipLoopFilter ${DEFAULT_SKIP_LOOP_FILTER})`,
  skipLoopFilter: DEFAULT_SKIP_LOOP_FILTER,
  inputOptions: [],
  threads: THREADS,
  passes: DEFAULT_PASSES,
};

/** The default setup with every frame decoded (`--passes 1`). */
export const ONE_PASS: Setup = { ...DEFAULT_SETUP, name: 'one pass', passes: 1 };
/** The default setup with two passes (`--passes 2`). */
export const TWO_PASSES: Setup = { ...DEFAULT_SETUP, name: 'two passes', passes: 2 };

/** ffmpeg input options of a setup, as detect's decoder passes them. */
export const decoderArgs = (s: Setup): string[] => [
  ...(s.skipLoopFilter ? ['-skip_loop_filter', 'all'] : []),
  ...s.inputOptions,
];

/** Compared side by side with `--variants` (fused mode), each against the first. */
export const VARIANTS: readonly Setup[] = [
  DEFAULT_SETUP,
  {
    ...DEFAULT_SETUP,
    name: `skipLoopFilter ${!DEFAULT_SKIP_LOOP_FILTER}`,
    skipLoopFilter: !DEFAULT_SKIP_LOOP_FILTER,
  },
  { ...DEFAULT_SETUP, name: 'decoder -threads 1', inputOptions: ['-threads', '1'] },
  { ...DEFAULT_SETUP, name: 'decoder -threads 2', inputOptions: ['-threads', '2'] },
  { ...DEFAULT_SETUP, name: 'ONNX Runtime intra-op threads 1', threads: 1 },
  // Not exact 1-fps sampling (a non-reference frame on screen at t is replaced by an earlier
  // one): measured to show what it would buy, not a candidate default.
  { ...DEFAULT_SETUP, name: '-skip_frame noref', inputOptions: ['-skip_frame', 'noref'] },
];
