import type { VoiceTable } from './types.js';

/**
 * The planner's own TTS voices, for a pool planned without a use (its plans predate uses): the
 * voices every corpus spoke with before the pool's voice table existed, in their order.
 */
export const BUILT_IN_VOICES: Readonly<VoiceTable> = {
  'espeak-ng': ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-us+f3', 'en-us+m3', 'en+f2'],
  flite: ['slt', 'rms', 'awb', 'kal16'],
};
