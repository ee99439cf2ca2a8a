// Synthetic picture prints for the series step's and the live recaps' specs: 256-d unit
// vectors drawn from a seed, so two copies of a shot match exactly and unrelated seconds
// correlate by chance only (about ±0.06).

/** One picture print, the same for the same seed. */
export function unit(seed: number): Float32Array {
  let s = seed >>> 0;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const v = new Float32Array(256).map(r);
  let norm = 0;
  for (const x of v) norm += x * x;
  return v.map((x) => x / Math.sqrt(norm));
}

/** `seconds` seconds of shot `id`, from its second `from` on. */
export const shot = (id: number, seconds: number, from = 0): Float32Array[] =>
  Array.from({ length: seconds }, (_, k) => unit(id * 1000 + from + k + 1));
