import { readFile } from 'node:fs/promises';
import { InputNotFoundError, InvalidLabelsError } from '../errors.js';
import { parseLabelsCsv } from './parseLabelsCsv.js';
import { parseLabelsJson, type ParsedLabels } from './parseLabelsJson.js';

/**
 * Reads a labels file in any of the three formats: the seeds' labels.json, the seeds'
 * labels.csv, or our labels.json. JSON when the extension is .json or the text starts with
 * `{`; CSV when the extension is .csv or the first line names `start_main`.
 */
export async function readLabels(path: string): Promise<ParsedLabels> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputNotFoundError(path, { cause: err });
    }
    throw new InvalidLabelsError(`Cannot read labels file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseLabelsText(text, path);
}

/** Parses labels text, choosing the format by `source`'s extension, else by content. */
export function parseLabelsText(text: string, source: string): ParsedLabels {
  const ext = source.toLowerCase().split('.').pop();
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (ext === 'json' || (ext !== 'csv' && body.startsWith('{'))) {
    return parseLabelsJson(body, source);
  }
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  if (ext === 'csv' || /start_main/i.test(firstLine)) return parseLabelsCsv(body, source);
  throw new InvalidLabelsError(
    `${source}: unknown labels format. Use a labels.json ({ "<id>": { "start", "end", … } }) or a labels.csv with columns file,start_main,end_main.`,
  );
}
