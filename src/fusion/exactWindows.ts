/** A stretch of the file, [from, to) in whole seconds. */
export interface Window {
  from: number;
  to: number;
}

export interface ExactWindowOptions {
  /** Seconds decoded exactly on each side of a boundary. */
  radius: number;
  /**
   * Windows whose gap is at most this many seconds are decoded as one: each window costs a
   * seek, and the decoder starts at the keyframe before it, so a short gap is cheaper to
   * decode than to skip.
   */
  mergeGap: number;
}

/**
 * The stretches a second pass decodes frame-exactly: `radius` seconds either side of each
 * boundary (`[b - radius, b + radius)`), cut to the decoded span that holds the boundary,
 * sorted and merged where they overlap or lie at most `mergeGap` apart (never across spans).
 * Boundaries outside every span are ignored; the spans must not overlap.
 */
export function exactWindows(
  boundaries: readonly number[],
  spans: readonly Window[],
  { radius, mergeGap }: ExactWindowOptions,
): Window[] {
  const raw: Array<Window & { span: number }> = [];
  for (const b of boundaries) {
    const span = spans.findIndex((s) => b >= s.from && b <= s.to);
    if (span < 0 || !Number.isFinite(b)) continue;
    const s = spans[span]!;
    const from = Math.max(s.from, Math.floor(b - radius));
    const to = Math.min(s.to, Math.ceil(b + radius));
    if (to > from) raw.push({ from, to, span });
  }
  raw.sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Array<Window & { span: number }> = [];
  for (const w of raw) {
    const last = merged.at(-1);
    if (last && last.span === w.span && w.from - last.to <= mergeGap) {
      last.to = Math.max(last.to, w.to);
    } else merged.push({ ...w });
  }
  return merged.map(({ from, to }) => ({ from, to }));
}

/** The parts of `windows` not inside any of `done` (both sorted or not; result sorted). */
export function subtractWindows(windows: readonly Window[], done: readonly Window[]): Window[] {
  const cuts = [...done].sort((a, b) => a.from - b.from);
  const out: Window[] = [];
  for (const w of [...windows].sort((a, b) => a.from - b.from)) {
    let from = w.from;
    for (const c of cuts) {
      if (c.to <= from || c.from >= w.to) continue;
      if (c.from > from) out.push({ from, to: c.from });
      from = Math.max(from, c.to);
      if (from >= w.to) break;
    }
    if (from < w.to) out.push({ from, to: w.to });
  }
  return out;
}

/** The union of `windows`: sorted, with overlapping and touching ones joined. */
export function unionWindows(windows: readonly Window[]): Window[] {
  const out: Window[] = [];
  for (const w of [...windows].sort((a, b) => a.from - b.from)) {
    const last = out.at(-1);
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else if (w.to > w.from) out.push({ ...w });
  }
  return out;
}

/** Whether second `b` lies at least `margin` seconds inside the union of `windows`. */
export function wellInside(b: number, windows: readonly Window[], margin: number): boolean {
  return unionWindows(windows).some((w) => b - margin >= w.from && b + margin <= w.to);
}
