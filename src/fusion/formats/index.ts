import { InvalidArgumentError } from '../../errors.js';
import type { DetectionResult } from '../detectionResult.js';
import { formatEdl, type EdlActions } from './edl.js';
import { formatFfmetadata } from './ffmetadata.js';
import { formatJellyfin } from './jellyfin.js';
import { formatJson } from './json.js';
import { formatWebVtt } from './webvtt.js';

/** Settings some formats read: the EDL action of each segment kind. */
export interface FormatOptions {
  edlActions?: EdlActions;
}

/** Output format → formatter and the file extension of a result file. */
export const OUTPUT_FORMATS = Object.freeze({
  json: { extension: '.json', format: formatJson },
  edl: {
    extension: '.edl',
    format: (r: DetectionResult, o: FormatOptions = {}) =>
      formatEdl(r, o.edlActions ? { actions: o.edlActions } : {}),
  },
  chapters: { extension: '.ffmetadata', format: formatFfmetadata },
  vtt: { extension: '.chapters.vtt', format: formatWebVtt },
  jellyfin: { extension: '.segments.json', format: formatJellyfin },
} as const);

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

export function parseOutputFormat(name: string): OutputFormat {
  if (Object.hasOwn(OUTPUT_FORMATS, name)) return name as OutputFormat;
  throw new InvalidArgumentError(
    `Unknown format "${name}". Valid formats: ${Object.keys(OUTPUT_FORMATS).join(', ')}.`,
  );
}

export function formatResult(
  result: DetectionResult,
  format: OutputFormat,
  options: FormatOptions = {},
): string {
  const { format: write } = OUTPUT_FORMATS[format] as {
    format: (r: DetectionResult, o: FormatOptions) => string;
  };
  return write(result, options);
}
