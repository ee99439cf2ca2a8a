/**
 * Text-to-speech voices by use. An espeak-ng voice is a language voice (the accent: vowels,
 * rhythm) plus a variant (pitch, formants, breathiness); a voice of one use combines a
 * language voice and a variant of that use, so an `eval` voice differs from every `train`
 * voice in both. flite voices are recorded speakers (kal and kal16 are one speaker).
 */
import type { MediaUse, VoiceTable } from '../types.js';

/** Language voices: 3 of 8 eval. `en` is espeak-ng's alias of `en-gb`. */
const ESPEAK_LANGUAGES: Readonly<Record<MediaUse, readonly string[]>> = {
  train: ['en', 'en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-029'],
  eval: ['en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-us-nyc'],
};

/** Variants (`''` is the language voice's own); about a third eval. */
const ESPEAK_VARIANTS: Readonly<Record<MediaUse, readonly string[]>> = {
  train: ['', 'f1', 'f2', 'f3', 'm1', 'm3', 'm4', 'klatt', 'Andy', 'Annie', 'david', 'max'],
  eval: ['f4', 'f5', 'm2', 'm6', 'm7', 'klatt2', 'Alicia', 'Gene', 'steph', 'edward'],
};

/** flite speakers: awb (Scottish), kal/kal16, slt train; rms eval. awb_time only says times. */
const FLITE_VOICES: Readonly<Record<MediaUse, readonly string[]>> = {
  train: ['slt', 'awb', 'kal16'],
  eval: ['rms'],
};

/** The voices of one use (or of both), sorted, as the engines name them. */
export function voicesFor(use?: MediaUse): VoiceTable {
  const uses: MediaUse[] = use ? [use] : ['train', 'eval'];
  const espeak = uses.flatMap((u) =>
    ESPEAK_LANGUAGES[u].flatMap((lang) =>
      ESPEAK_VARIANTS[u].map((variant) => (variant === '' ? lang : `${lang}+${variant}`)),
    ),
  );
  const flite = uses.flatMap((u) => [...FLITE_VOICES[u]]);
  return { 'espeak-ng': espeak.sort(), flite: flite.sort() };
}

/**
 * The use of a voice as an engine names it: `train` or `eval` when its parts are of that use,
 * undefined for a voice of neither (or of mixed parts, such as `en-us-nyc+f2`).
 */
export function useOfVoice(engine: 'espeak-ng' | 'flite', voice: string): MediaUse | undefined {
  if (engine === 'flite') {
    if (voice === 'kal') return 'train';
    return (['train', 'eval'] as const).find((u) => FLITE_VOICES[u].includes(voice));
  }
  const [lang = '', variant = ''] = voice.split('+');
  return (['train', 'eval'] as const).find(
    (u) => ESPEAK_LANGUAGES[u].includes(lang) && ESPEAK_VARIANTS[u].includes(variant),
  );
}
