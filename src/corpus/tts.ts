import { join } from 'node:path';
import { writeOnce } from '../util/atomicFile.js';
import { hashString } from './rng.js';
import { runTool } from './runFfmpeg.js';
import type { SpeechSource } from './types.js';

/** Path of a speech cue's audio: the media file, or a synthesised WAV in the cache. */
export async function speechFile(
  source: SpeechSource,
  mediaRoot: string,
  cacheDir: string,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  if (source.kind === 'file') return join(mediaRoot, source.file);
  const key = hashString(JSON.stringify(source)).toString(16).padStart(8, '0');
  const out = join(
    cacheDir,
    'tts',
    `${source.engine}-${source.voice.replace(/[^\w-]/g, '_')}-${key}.wav`,
  );
  await writeOnce(out, async (tmp) => {
    const args =
      source.engine === 'espeak-ng'
        ? ['-v', source.voice, '-s', String(source.rate), '-w', tmp, source.text]
        : ['-voice', source.voice, '-t', source.text, '-o', tmp];
    await runTool(source.engine, args, `speech "${source.text}"`, options);
  });
  return out;
}
