/**
 * The log-mel front end, fixed for training and inference alike (the models are trained on
 * exactly these numbers; changing one means retraining).
 */
export const MEL = Object.freeze({
  /** PCM sample rate delivered by the decoder, Hz. */
  sampleRate: 16_000,
  /** FFT size = analysis frame length, samples (32 ms), Hann-windowed. */
  fftSize: 512,
  /** Hop between analysis frames, samples (20 ms): 50 mel frames per second. */
  hop: 320,
  /**
   * Triangular mel filters spanning 0 Hz – 8 kHz: meyda 5.6's filterbank, rebuilt by
   * melFilterbank.ts (checked against meyda in test/unit/logmel-parity.test.ts).
   */
  bands: 64,
  framesPerSecond: 50,
  /** Frames in one window: 10 s centred on its second, [t − 5 s, t + 5 s). */
  windowFrames: 500,
  /** Silence prepended (and appended) so the first and last seconds get full windows. */
  padSeconds: 5,
  /** Each value is ln(1 + P), P the mel-filtered power |FFT|² (meyda's `melBands`): the log floor is ln 1 = 0. */
  scale: 'ln(1+power)',
});

export const PAD_SAMPLES = MEL.padSeconds * MEL.sampleRate;
