import { detectEpisode, type DetectOptions } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { secondPrint, type SecondPrint } from './secondPrint.js';
import type { PrintedEpisode } from './seriesJoiner.js';

/**
 * `detectEpisode`, also keeping the print of every second of the intro's search span (what the
 * series step compares) and the picture print of every second decoded, head and tail (where
 * it looks for recaps and previews; 1 KB a second). `options.model` must be a loaded model.
 */
export async function detectPrinted(
  input: string,
  options: DetectOptions & { model: NonNullable<DetectOptions['model']> },
): Promise<PrintedEpisode> {
  const seconds = new Map<number, SecondPrint>();
  const frameSize = options.model.config.frameSize;
  const result = await detectEpisode(input, {
    ...options,
    onSample: (sample, second) => {
      if (!seconds.has(second)) seconds.set(second, secondPrint(sample, frameSize));
    },
  });
  return printedOf(result, seconds);
}

/** An episode's result with the prints the series step keeps of its decoded `seconds`. */
export function printedOf(
  result: DetectionResult,
  seconds: ReadonlyMap<number, SecondPrint>,
): PrintedEpisode {
  const track = result.probabilities.intro;
  const prints: SecondPrint[] = [];
  for (let i = 0; i < track.values.length; i++) {
    const p = seconds.get(track.from + i);
    if (!p) break;
    prints.push(p);
  }
  const pictures = new Map<number, Float32Array>();
  for (const [t, p] of seconds) pictures.set(t, p.video);
  return { result, prints, pictures };
}
