import { InvalidLabelsError } from '../errors.js';
import { parseTimecode } from './timecode.js';

/**
 * Reads one time field of a labels file: H:MM:SS / MM:SS / plain seconds as text, or a JSON
 * number of seconds. `where` says which file, video and field, for the error message.
 */
export function parseTime(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    try {
      return parseTimecode(value);
    } catch (err) {
      throw new InvalidLabelsError(
        `${where}: not a time: "${value}". Write H:MM:SS (e.g. 0:01:05) or seconds.`,
        { cause: err },
      );
    }
  }
  throw new InvalidLabelsError(
    `${where}: expected a time (H:MM:SS or seconds), got ${JSON.stringify(value)}.`,
  );
}
