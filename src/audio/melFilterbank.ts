/**
 * Triangular mel filterbank, built exactly as meyda 5.6 builds it (`createMelFilterBank` in
 * its utilities), the filterbank the shipped models were trained with. Stored sparsely: band b
 * weighs FFT bins [firstBin[b], firstBin[b] + width) with weights[offset[b] …].
 */
export interface MelFilterbank {
  readonly bands: number;
  /** First FFT bin of each band. */
  readonly firstBin: Int32Array;
  /** Start of each band's weights in `weights`; band b has offset[b + 1] − offset[b] of them. */
  readonly offset: Int32Array;
  /** Every band's weights, band after band, in bin order. */
  readonly weights: Float64Array;
}

const hzToMel = (hz: number) => 1125 * Math.log(1 + hz / 700);
const melToHz = (mel: number) => 700 * (Math.exp(mel / 1125) - 1);

/**
 * meyda's filterbank for `bands` filters over 0 Hz – sampleRate/2 and an FFT of `fftSize`,
 * restricted (as meyda's `melBands` sums) to bins below fftSize/2. Its quirks are kept on
 * purpose: band edges in float32 (meyda keeps them in Float32Arrays), the bin of frequency f
 * is ⌊(fftSize + 1)·f / sampleRate⌋, filters are not area-normalised, and a band whose edges
 * share a bin is empty (always 0).
 */
export function melFilterbank(bands: number, sampleRate: number, fftSize: number): MelFilterbank {
  const step = (hzToMel(sampleRate / 2) - hzToMel(0)) / (bands + 1);
  const edge = new Int32Array(bands + 2);
  for (let i = 0; i < edge.length; i++) {
    const hz = Math.fround(melToHz(Math.fround(i * step)));
    edge[i] = Math.floor(((fftSize + 1) * hz) / sampleRate);
  }
  const summed = fftSize / 2; // meyda's melBands sums bins 0 … fftSize/2 − 1
  const firstBin = new Int32Array(bands);
  const offset = new Int32Array(bands + 1);
  const weights: number[] = [];
  for (let b = 0; b < bands; b++) {
    const [lo, mid, hi] = [edge[b]!, edge[b + 1]!, edge[b + 2]!];
    firstBin[b] = lo;
    offset[b] = weights.length;
    for (let i = lo; i < Math.min(hi, summed); i++)
      weights.push(i < mid ? (i - lo) / (mid - lo) : (hi - i) / (hi - mid));
  }
  offset[bands] = weights.length;
  return { bands, firstBin, offset, weights: Float64Array.from(weights) };
}
