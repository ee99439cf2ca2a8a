import type { DetectedSegment } from '../fusion/detectionResult.js';
import type { Target } from '../fusion/decisionConfig.js';
import {
  chainsOf,
  matchedSeconds,
  partSegment,
  type PartEpisode,
  type PartsConfig,
} from '../series/findParts.js';
import { secondsOutside } from '../series/sharedShots.js';

/** Half-open [start, end) in stream seconds. */
interface Span {
  start: number;
  end: number;
}

/** The settings of `LiveRecaps`: the series step's recap constants and how much it remembers. */
export interface LiveRecapOptions extends PartsConfig {
  /** Seconds of picture prints kept: the oldest footage a recap can be matched to. */
  memory: number;
}

/**
 * Recaps ("Previously on …") in a live stream, found as `detect`'s series step finds them in a
 * season's files, with the stream's own past as the earlier episodes. It keeps a picture print
 * of every second the stream delivered (`add`, at most `memory` seconds back) and the intros
 * and credits the live detector decided (`edge`). When an intro starts, the seconds before it
 * (at most `recapSearch`, and only after the last intro or credits edge before it: the
 * previous episode's end) are matched against the stream's earlier footage — outside intros,
 * credits and the `previewSearch` seconds after credits (a "next time" preview shows this
 * episode's own footage). The recap is the first chain of matched shots long and close enough
 * to count (`partSegment`); after an edge, only a chain starting within `partLead` of it,
 * and then from the edge. As in the files' series step, a shot whose copy keeps its place
 * before an earlier intro (a studio logo, an ident: within `furnitureSlack` s) is furniture,
 * and so is one seen between `furnitureMin` or more pairs of earlier intros (a trailer or an
 * advert the channel repeats). Memory: 1 KiB per second kept.
 */
export class LiveRecaps {
  readonly #options: LiveRecapOptions;
  readonly #pictures = new Map<number, Float32Array>();
  readonly #intros: Span[] = [];
  readonly #credits: Span[] = [];
  readonly #open: Partial<Record<Target, number>> = {};
  /** The latest intro or credits edge so far (stream seconds). */
  #lastEdge = Number.NEGATIVE_INFINITY;

  constructor(options: LiveRecapOptions) {
    this.#options = options;
  }

  /** The picture print of stream second `t` (seconds arrive in order). */
  add(t: number, picture: Float32Array): void {
    this.#pictures.set(t, picture);
    const oldest = t - this.#options.memory;
    // A Map iterates in insertion order: the oldest seconds come first.
    for (const k of this.#pictures.keys()) {
      if (k > oldest) break;
      this.#pictures.delete(k);
    }
    const forget = (list: Span[]) => {
      while (list.length > 0 && list[0]!.end <= oldest) list.shift();
    };
    forget(this.#intros);
    forget(this.#credits);
  }

  /**
   * An intro or credits edge as the live detector decided it, in decision order. The start of
   * an intro returns the recap before it, if there is one.
   */
  edge(target: Target, edge: 'start' | 'end', at: number): DetectedSegment | null {
    const last = this.#lastEdge;
    this.#lastEdge = Math.max(this.#lastEdge, at);
    if (edge === 'end') {
      const start = this.#open[target];
      delete this.#open[target];
      if (start !== undefined && at > start) {
        (target === 'intro' ? this.#intros : this.#credits).push({ start, end: at });
      }
      return null;
    }
    this.#open[target] = at;
    return target === 'intro' ? this.#recapBefore(at, last) : null;
  }

  #recapBefore(introStart: number, lastEdge: number): DetectedSegment | null {
    const o = this.#options;
    const from = Math.max(introStart - o.recapSearch, lastEdge);
    const openCredits = this.#open.credits;
    const decided = [
      ...this.#intros,
      ...this.#credits,
      ...(openCredits !== undefined ? [{ start: openCredits, end: introStart }] : []),
    ];
    const zone = secondsOutside(this.#pictures, decided, { start: from, end: introStart });
    if (zone.length === 0) return null;
    const earlierIntros = this.#intros.filter((i) => i.end <= from);
    const allowed = secondsOutside(
      this.#pictures,
      [...decided, ...this.#credits.map((c) => ({ start: c.end, end: c.end + o.previewSearch }))],
      { start: Number.NEGATIVE_INFINITY, end: from },
    );
    // One source, the stream's past; an anchor pair per earlier intro (this intro's start and
    // that one's), so that a shot in the same place before any earlier intro is furniture.
    const episode: PartEpisode = {
      duration: introStart,
      pictures: this.#pictures,
      intro: { start: introStart, end: introStart + 1 },
      credits: null,
    };
    const past: PartEpisode = { ...episode, intro: null };
    const anchors = (e: PartEpisode) =>
      e === episode ? earlierIntros.map(() => introStart) : earlierIntros.map((i) => i.start);
    const matched = matchedSeconds(
      episode,
      zone,
      [{ episode: past, allowed }],
      this.#betweenIntros(earlierIntros, from),
      anchors,
      o,
    );
    const chains = chainsOf(matched, o.partMaxGap);
    // After a decided edge (the previous episode's credits, say) the episode begins there, and
    // so does its recap, as in a file: the first chain of matched shots, starting within
    // `partLead` of the edge, runs from it. Footage shown again later in an episode's opening
    // is no recap.
    if (lastEdge >= introStart - o.recapSearch) {
      const first = chains[0];
      return first && first.start - from <= o.partLead
        ? partSegment('recap', from, first.end, matched, o)
        : null;
    }
    for (const chain of chains) {
      const recap = partSegment('recap', chain.start, chain.end, matched, o);
      if (recap) return recap;
    }
    return null;
  }

  /** The stream's past cut at each earlier intro's start: the "other episodes" for furniture. */
  #betweenIntros(intros: readonly Span[], before: number): PartEpisode[] {
    const cuts = intros.map((i) => i.start);
    return cuts.map((start, k) => {
      const end = Math.min(cuts[k + 1] ?? before, before);
      const pictures = new Map<number, Float32Array>();
      for (const [t, p] of this.#pictures) if (t >= start && t < end) pictures.set(t, p);
      // Each piece starts at an intro, so no recap of its own opens it (see `recapOf`).
      return { duration: end, pictures, intro: null, credits: null, recap: null };
    });
  }
}
