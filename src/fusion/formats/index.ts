import { InvalidArgumentError } from '../../errors.js';
import type { DetectionResult } from '../detectionResult.js';
import { formatEdl } from './edl.js';
import { formatFfmetadata } from './ffmetadata.js';
import { formatJson } from './json.js';
import { formatWebVtt } from './webvtt.js';

/** Output format → formatter and the file extension of a sidecar file. */
export const OUTPUT_FORMATS = Object.freeze({
  json: { extension: '.json', format: formatJson },
  edl: { extension: '.edl', format: (r: DetectionResult) => formatEdl(r) },
  chapters: { extension: '.ffmetadata', format: formatFfmetadata },
  vtt: { extension: '.chapters.vtt', format: formatWebVtt },
} as const);

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

export function parseOutputFormat(name: string): OutputFormat {
  if (Object.hasOwn(OUTPUT_FORMATS, name)) return name as OutputFormat;
  throw new InvalidArgumentError(
    `Unknown format "${name}". Valid formats: ${Object.keys(OUTPUT_FORMATS).join(', ')}.`,
  );
}

export function formatResult(result: DetectionResult, format: OutputFormat): string {
  return OUTPUT_FORMATS[format].format(result);
}
