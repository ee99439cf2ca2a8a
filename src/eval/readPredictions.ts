import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputNotFoundError, InvalidArgumentError } from '../errors.js';
import { fileStem } from '../labels/fileStem.js';
import { parsePrediction } from './parsePrediction.js';
import type { EpisodePrediction } from './predictionTypes.js';

/**
 * Reads predictions from a file or from every *.json file in a folder (sorted by name). A file
 * holds one prediction object, an array of them, or JSON lines (one object per line). A
 * prediction without `id` takes its file's name without extension.
 */
export async function readPredictions(path: string): Promise<EpisodePrediction[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new InputNotFoundError(path, { cause: err });
  }
  if (!info.isDirectory()) return parsePredictionsText(await readFile(path, 'utf8'), path);
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  if (names.length === 0) {
    throw new InvalidArgumentError(`No *.json prediction files in ${path}.`);
  }
  const all: EpisodePrediction[] = [];
  for (const name of names) {
    const file = join(path, name);
    all.push(...parsePredictionsText(await readFile(file, 'utf8'), file));
  }
  return all;
}

/** Parses one predictions file's text (object, array, or JSON lines). */
export function parsePredictionsText(text: string, source: string): EpisodePrediction[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') return [];
  let values: unknown[];
  try {
    const whole: unknown = JSON.parse(body);
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = body
      .split(/\r?\n/)
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter(({ line }) => line !== '')
      .map(({ line, n }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (err) {
          throw new InvalidArgumentError(
            `${source}, line ${n}: not JSON (${(err as Error).message}). Prediction files hold one JSON object, an array, or one object per line.`,
            { cause: err },
          );
        }
      });
  }
  return values.map((v, i) => {
    const pred = parsePrediction(v, values.length > 1 ? `${source}, prediction ${i + 1}` : source);
    if (pred.id === '') pred.id = fileStem(pred.file ?? source);
    return pred;
  });
}
