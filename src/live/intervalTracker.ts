import type { Target } from '../fusion/decisionConfig.js';

export interface TrackerOptions {
  /** A second is positive when its probability is strictly greater than this. */
  threshold: number;
  /** Positive seconds a run needs before it counts (DBSCAN's minPts). */
  minPts: number;
  /** Seconds a run must span before its start is announced (the model's minLength). */
  minLength: number;
  /**
   * Negative seconds that end a run (hysteresis): shorter dips are bridged. Also the delay,
   * in decided seconds, between the true end and the end event.
   */
  endGap: number;
}

/** An edge found by the tracker; `at` is a stream second ([start, end) intervals). */
export interface TrackedEdge {
  target: Target;
  edge: 'start' | 'end';
  at: number;
  confidence: number;
}

interface Run {
  start: number;
  lastPositive: number;
  positives: number;
  /** Sum of probabilities over [start, lastPositive]. */
  massToLast: number;
  /** Sum of probabilities over [start, current]. */
  mass: number;
  announced: boolean;
}

/**
 * Streaming interval detection for one target, fed decided seconds in order (O(1) memory and
 * time per second, so a channel can run for days). The 1-D equivalent of the file decision's
 * DBSCAN + merge: positives closer than `endGap` seconds join one run; a run is announced
 * (`start`) once it has `minPts` positives and spans `minLength` seconds, and closed (`end`,
 * once) after `endGap` negative seconds. One intro therefore gives exactly one start and one
 * end; runs that never qualify are dropped silently.
 */
export class IntervalTracker {
  readonly target: Target;
  readonly #o: TrackerOptions;
  #run: Run | null = null;
  #next = 0;

  constructor(target: Target, options: TrackerOptions) {
    if (!(options.endGap >= 1)) throw new RangeError(`endGap must be >= 1 (got ${options.endGap})`);
    this.target = target;
    this.#o = options;
  }

  /** Next second the tracker expects. */
  get next(): number {
    return this.#next;
  }

  /**
   * The earliest stream second a future edge of this tracker can have: the start of a run not
   * yet announced, the end of an announced one, or the next second. Events before it are final.
   */
  get settledBefore(): number {
    const r = this.#run;
    if (!r) return this.#next;
    return r.announced ? r.lastPositive + 1 : r.start;
  }

  /** Feeds second `t` (must be `next`) with probability `p`; returns the edges it decides. */
  push(t: number, p: number): TrackedEdge[] {
    if (t !== this.#next) throw new RangeError(`expected second ${this.#next}, got ${t}`);
    this.#next++;
    const out: TrackedEdge[] = [];
    const o = this.#o;
    const positive = p > o.threshold;
    let r = this.#run;
    if (positive) {
      if (!r) {
        r = { start: t, lastPositive: t, positives: 0, massToLast: 0, mass: 0, announced: false };
        this.#run = r;
      }
      r.mass += p;
      r.massToLast = r.mass;
      r.lastPositive = t;
      r.positives++;
      if (!r.announced && r.positives >= o.minPts && t + 1 - r.start >= o.minLength) {
        r.announced = true;
        out.push(this.#edge('start', r.start, r.massToLast / (t + 1 - r.start)));
      }
    } else if (r) {
      r.mass += p;
      if (t - r.lastPositive >= o.endGap) {
        if (r.announced) out.push(this.#closing(r));
        this.#run = null;
      }
    }
    return out;
  }

  /** End of stream: closes an announced run at its last positive second. */
  flush(): TrackedEdge[] {
    const r = this.#run;
    this.#run = null;
    return r?.announced ? [this.#closing(r)] : [];
  }

  #closing(r: Run): TrackedEdge {
    const end = r.lastPositive + 1;
    return this.#edge('end', end, r.massToLast / (end - r.start));
  }

  #edge(edge: 'start' | 'end', at: number, confidence: number): TrackedEdge {
    return { target: this.target, edge, at, confidence: Math.min(1, Math.max(0, confidence)) };
  }
}
