import { InvalidArgumentError as CommanderArgumentError, type Command } from 'commander';
import { parseTimecode } from '../labels/timecode.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

/** Commander parser for "90", "90.5" or "0:01:30". */
export function parseSeconds(value: string): number {
  try {
    return parseTimecode(value);
  } catch {
    throw new CommanderArgumentError(
      `"${value}" is not a time (use seconds, e.g. 90, or H:MM:SS).`,
    );
  }
}

/** The global options every decoding command shares (currently --ffmpeg). */
export function decodeOptionsFrom(cmd: Command): LocateFfmpegOptions {
  const globals = cmd.optsWithGlobals<{ ffmpeg?: string }>();
  return globals.ffmpeg ? { ffmpegPath: globals.ffmpeg } : {};
}

/** Wraps a parser that throws plain errors into one commander reports as a bad option value. */
export const commanderParser =
  <T>(parse: (v: string) => T) =>
  (v: string): T => {
    try {
      return parse(v);
    } catch (err) {
      throw new CommanderArgumentError(err instanceof Error ? err.message : String(err));
    }
  };

/** Commander parser for a whole number >= min. */
export const wholeNumberAtLeast = (min: number) =>
  commanderParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`"${v}" is not a whole number >= ${min}.`);
    return n;
  });
