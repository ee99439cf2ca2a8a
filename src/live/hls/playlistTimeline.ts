/**
 * Where a presentation time of a live HLS stream sits in the playlist: which segment (media
 * sequence number, absolute URI) and, when the playlist carries EXT-X-PROGRAM-DATE-TIME, which
 * wall-clock instant. The timeline polls the media playlist alongside ffmpeg, reads the start
 * of each new segment from its first 64 KB (the PTS of an MPEG-TS segment; the decode time,
 * composition offset and edit list of an fMP4 one, with its EXT-X-MAP init segment), and keeps
 * the last `keepSeconds` of segments.
 */
import { getOptions, parse, setOptions, type types } from 'hls-parser';
import { AbortedError } from '../../errors.js';
import { backoffDelay } from '../../util/backoff.js';
import { unwrapNear } from '../timestamps.js';
import {
  firstPresentationTime,
  type Fmp4Init,
  isIsoBmff,
  readInitSegment,
} from './fmp4FirstPts.js';
import { firstPts } from './mpegtsFirstPts.js';

/** The place of a presentation time in the playlist. */
export interface SegmentPlace {
  mediaSequence: number;
  /** Absolute. */
  uri: string;
  /** ISO 8601 with ms: the segment's program date-time + (pts − the segment's start PTS). */
  programDateTime?: string;
}

export interface PlaylistTimelineOptions {
  /** Stops polling and pending fetches when aborted (as `stop()`). */
  signal?: AbortSignal;
  /** Between playlist reloads; default half the target duration (RFC 8216 §6.3.4 ballpark). */
  pollIntervalMs?: number;
  /** Seconds of segments remembered (default 900). */
  keepSeconds?: number;
  /** Told of unreadable playlists (once per outage) and segments without a readable PTS. */
  onWarning?: (message: string) => void;
}

/** The latest media playlist as fetched. */
export interface FetchedPlaylist {
  text: string;
  /** Absolute URL (after redirects): what relative URIs in `text` resolve against. */
  url: string;
  /** Epoch ms. */
  fetchedAt: number;
}

/**
 * Bytes of each segment read for its start: PAT, PMT and the first keyframe's PES header of
 * MPEG-TS; styp, sidx and the first moof of fMP4.
 */
const SEGMENT_HEAD_BYTES = 65_536;
/** The most read of an EXT-X-MAP init segment (ftyp + moov: a few KB in practice). */
const INIT_MAX_BYTES = 1_048_576;
/**
 * The most bytes skipped to reach a sub-range (EXT-X-BYTERANGE) when the server ignores Range
 * requests and sends the whole resource; a sub-range further in is not read.
 */
const MAX_SKIP_BYTES = 8_388_608;
/** The longest `locate` waits for segment starts still being read. */
const LOCATE_WAIT_MS = 5_000;
/** A playlist or segment request that takes longer is abandoned (and retried next poll). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Poll interval when the playlist gives no target duration. */
const DEFAULT_POLL_MS = 1_000;
/** A pts this far past the last segment's nominal end still belongs to it (EXTINF rounding). */
const LAST_SEGMENT_TOLERANCE_S = 1;
/**
 * A segment's start is its first video PTS; ffmpeg's timeline starts at the earliest stream
 * (audio often leads the first picture by a frame or two, B-frame delay more), so a pts this
 * little before the oldest known segment still belongs to it.
 */
const FIRST_SEGMENT_LEAD_S = 0.5;

/** A sub-range of a resource (EXT-X-BYTERANGE, or an EXT-X-MAP's BYTERANGE). */
interface ByteRange {
  offset: number;
  length: number;
}

/** An EXT-X-MAP: the init segment of fMP4 segments. */
interface InitSection {
  /** Absolute. */
  uri: string;
  range: ByteRange | undefined;
}

interface Segment {
  msn: number;
  discontinuitySequence: number;
  uri: string;
  /** Where in `uri` the segment lies (EXT-X-BYTERANGE); the whole resource when undefined. */
  range: ByteRange | undefined;
  /** The EXT-X-MAP in force for the segment. */
  map: InitSection | undefined;
  duration: number;
  /** Program date-time, epoch ms (its own tag, or carried from the previous segment). */
  date: number | undefined;
  /**
   * Start in seconds on ffmpeg's timeline. MPEG-TS PTS (33-bit) are unwrapped along the chain
   * of segments (the first one raw, each next one nearest its predecessor): off from ffmpeg's
   * timeline by whole wrap periods at most, which `locate` removes. fMP4 times are 64-bit and
   * taken as read. Undefined until read (or estimated).
   */
  start: number | undefined;
  /** False once the start has been read, estimated, or given up on. */
  pending: boolean;
}

/**
 * Follows a live HLS playlist to map presentation times (ffmpeg's timeline: the segments'
 * MPEG-TS PTS / 90 000, unwrapped; for fMP4 segments the first frame's decode time + its
 * composition offset / the track's timescale, shifted by the init segment's edit list) to
 * segments and program date-times. `start()` begins polling; `stop()` (or the signal) ends it
 * and every request in flight. Reloads never overlap; while the playlist cannot be read they
 * back off (doubling, up to 30 s) with one warning per outage. A playlist that ends
 * (EXT-X-ENDLIST) is not polled again.
 *
 * Segment starts are read one segment at a time, in playlist order (each unwrapped next to
 * the one before), so a long EVENT playlist is read from `keepSeconds` before its end.
 */
export class PlaylistTimeline {
  readonly #url: string;
  readonly #pollIntervalMs: number | undefined;
  readonly #keepSeconds: number;
  readonly #onWarning: (message: string) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #controller = new AbortController();
  readonly #listeners = new Set<(latest: FetchedPlaylist) => void>();
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (err: unknown) => void;

  #segments: Segment[] = [];
  #latest: FetchedPlaylist | undefined;
  #hasProgramDateTime = false;
  /** The media playlist's URL once a master playlist has been resolved to its first variant. */
  #mediaUrl: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;
  /** Whether the playlist has ended (EXT-X-ENDLIST): it will list no more segments. */
  #ended = false;
  #failures = 0;
  /** The poll interval in use (the backoff's base while the playlist cannot be read). */
  #interval: number;
  /** Sequential reads of segment starts, in media-sequence order; settles when all are done. */
  #reads: Promise<void> = Promise.resolve();
  /** Whether the last segment start could not be read (one warning per run of failures). */
  #ptsUnreadable = false;
  /** Init segments (EXT-X-MAP) read, by URI and range: each fetched once while in use. */
  #inits = new Map<string, Promise<Fmp4Init>>();

  constructor(url: string, options: PlaylistTimelineOptions = {}) {
    this.#url = url;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#keepSeconds = options.keepSeconds ?? 900;
    this.#interval = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    const warn = options.onWarning;
    this.#onWarning = (message) => {
      try {
        warn?.(message);
      } catch {
        // a listener's failure must not stop the timeline
      }
    };
    this.#signal = options.signal;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined); // rejected on stop; only callers of ready() see it
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The latest media playlist as fetched (text) and its absolute URL, for republishing. */
  get latest(): FetchedPlaylist | undefined {
    return this.#latest;
  }

  /** Whether the latest media playlist carries EXT-X-PROGRAM-DATE-TIME. */
  get hasProgramDateTime(): boolean {
    return this.#hasProgramDateTime;
  }

  /** Resolves once the first media playlist has been read; rejects (AbortedError) on stop. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Begins polling (idempotent). A master playlist is followed to its first variant: ffmpeg's
   * hls demuxer exposes every variant as a program, and the stream reader maps 0:v:0, the
   * video of the first one — so the first variant's segments are the ones being analysed.
   */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    if (this.#signal?.aborted) {
      this.stop();
      return;
    }
    this.#schedule(0);
  }

  /** Stops polling and pending fetches; clears its timers. What was learnt stays readable. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller.abort(new AbortedError());
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#rejectReady(new AbortedError());
    for (const s of this.#segments) s.pending = false;
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  /** Calls `listener` after each successful playlist refresh; returns the unsubscribe. */
  onPlaylist(listener: (latest: FetchedPlaylist) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The place of a presentation time (unwrapped seconds, ffmpeg's timeline): the segment whose
   * start ≤ pts < the next one's start (the last one: start + duration + 1 s). Waits up to 5 s
   * in all for the first playlist (when started) and for the starts of segments still being
   * read that could hold it; undefined when unknown. Where timestamps restart (a
   * discontinuity) and two segments claim the pts, the newer wins.
   */
  async locate(pts: number): Promise<SegmentPlace | undefined> {
    const deadline = Date.now() + LOCATE_WAIT_MS;
    if (this.#started && !this.#latest)
      await this.#wait(
        this.#ready.catch(() => undefined),
        LOCATE_WAIT_MS,
      );
    for (;;) {
      const { place, waitable } = this.#find(pts);
      const left = deadline - Date.now();
      if (place || !waitable || left <= 0 || this.#stopped) return place;
      // A read is queued (the chain is unsettled), or the pts lies past the newest segment of
      // a playlist that still grows (ffmpeg can read a segment before this timeline's next
      // reload lists it): wait for that, not spinning.
      await this.#wait(waitable === 'reads' ? this.#reads : this.#nextPoll(), left);
    }
  }

  /** Resolves after the next successful playlist reload (or on stop, through `#wait`). */
  #nextPoll(): Promise<void> {
    return new Promise<void>((resolve) => {
      const stopped = this.#controller.signal;
      const off = this.onPlaylist(() => {
        off();
        stopped.removeEventListener('abort', off);
        resolve();
      });
      stopped.addEventListener('abort', off, { once: true });
    });
  }

  #onAbort = (): void => this.stop();

  /**
   * The place of `pts` if known; else what could still settle it (`waitable`): a segment start
   * being read, or the next reload of a playlist that has not ended.
   */
  #find(pts: number): { place: SegmentPlace | undefined; waitable: 'reads' | 'poll' | false } {
    const segments = this.#segments;
    const known = segments.filter((s): s is Segment & { start: number } => s.start !== undefined);
    const newest = known.at(-1);
    /** Whether a segment after `s` (in playlist order) is still being read. */
    const pendingAfter = (s: Segment | undefined) =>
      segments.slice(s ? segments.indexOf(s) + 1 : 0).some((p) => p.pending);
    const growing = this.#started && !this.#ended;
    if (!newest) {
      return {
        place: undefined,
        waitable: pendingAfter(undefined) ? 'reads' : growing ? 'poll' : false,
      };
    }
    // An MPEG-TS chain may be off ffmpeg's timeline by whole wrap periods, and a stream clock
    // takes its first start modulo the wrap (fMP4 too): move pts onto the chain.
    const q = unwrapNear(pts, newest.start);
    for (let i = known.length - 1; i >= 0; i--) {
      const s = known[i]!;
      const next = known[i + 1];
      const end =
        next && follows(s, next) && next.start > s.start
          ? next.start
          : s.start + s.duration + (next ? 0 : LAST_SEGMENT_TOLERANCE_S);
      const from = i === 0 ? s.start - FIRST_SEGMENT_LEAD_S : s.start;
      if (q < from || q >= end) continue;
      // The newest known segment may still be cut short by a next one being read.
      if (!next && pendingAfter(s)) return { place: undefined, waitable: 'reads' };
      return { place: placeOf(s, q), waitable: false };
    }
    if (q < newest.start) return { place: undefined, waitable: false };
    return {
      place: undefined,
      waitable: pendingAfter(newest) ? 'reads' : growing ? 'poll' : false,
    };
  }

  /** Resolves when `done` settles, after `ms`, or on stop; leaves no timer behind. */
  async #wait(done: Promise<void>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stopped = this.#controller.signal;
    let onStop: (() => void) | undefined;
    try {
      await Promise.race([
        done,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms);
          onStop = resolve;
          stopped.addEventListener('abort', onStop, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onStop) stopped.removeEventListener('abort', onStop);
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, ms);
  }

  /** One reload; schedules the next one itself, so polls never overlap. Never throws. */
  async #poll(): Promise<void> {
    let next: number;
    try {
      const { playlist, latest } = await this.#fetchMediaPlaylist();
      if (this.#stopped) return;
      this.#ingest(playlist);
      this.#latest = latest;
      this.#hasProgramDateTime = playlist.segments.some((s) => s.programDateTime !== undefined);
      this.#failures = 0; // the outage (if any) is over: the next failure warns again
      this.#resolveReady();
      for (const listener of this.#listeners) {
        try {
          listener(latest);
        } catch (err) {
          this.#onWarning(`A playlist listener failed: ${messageOf(err)}`);
        }
      }
      if (playlist.endlist) {
        this.#ended = true;
        return; // finished: it will not change again
      }
      this.#interval =
        this.#pollIntervalMs ??
        (playlist.targetDuration > 0 ? playlist.targetDuration * 500 : DEFAULT_POLL_MS);
      next = this.#interval;
    } catch (err) {
      if (this.#stopped) return;
      this.#failures++;
      if (this.#failures === 1)
        this.#onWarning(
          `Cannot read the playlist ${this.#url} (${messageOf(err)}); retrying with backoff. Segment places are unknown meanwhile.`,
        );
      this.#mediaUrl = undefined; // resolve the master playlist again
      next = backoffDelay(this.#failures, this.#interval);
    }
    this.#schedule(next);
  }

  async #fetchMediaPlaylist(): Promise<{
    playlist: types.MediaPlaylist;
    latest: FetchedPlaylist;
  }> {
    let target = this.#mediaUrl ?? this.#url;
    for (let hop = 0; hop < 2; hop++) {
      const { text, url } = await this.#fetchText(target);
      const playlist = parsePlaylist(text, url);
      if (!playlist.isMasterPlaylist) {
        this.#mediaUrl = url;
        return { playlist, latest: { text, url, fetchedAt: Date.now() } };
      }
      const variant = playlist.variants[0];
      if (!variant) throw new Error(`the master playlist ${url} lists no variant`);
      target = new URL(variant.uri, url).href;
    }
    throw new Error(`${target} is a master playlist behind a master playlist`);
  }

  async #fetchText(url: string): Promise<{ text: string; url: string }> {
    const request = this.#request();
    try {
      const res = await fetch(url, { signal: request.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
      return { text: await res.text(), url: res.url || url };
    } finally {
      request.done();
    }
  }

  /**
   * A request's signal: aborted by stop(), after REQUEST_TIMEOUT_MS, or by `abort()`;
   * `done()` frees its timer and its listener on the timeline's signal.
   */
  #request(): { signal: AbortSignal; abort: () => void; done: () => void } {
    const own = new AbortController();
    const stopped = this.#controller.signal;
    const onStop = () => own.abort(stopped.reason);
    if (stopped.aborted) onStop();
    else stopped.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(
      () => own.abort(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)),
      REQUEST_TIMEOUT_MS,
    );
    return {
      signal: own.signal,
      abort: () => own.abort(new Error('enough bytes read')),
      done: () => {
        clearTimeout(timer);
        stopped.removeEventListener('abort', onStop);
      },
    };
  }

  /** Records the playlist's new segments and queues the reads of their start PTS. */
  #ingest(playlist: types.MediaPlaylist): void {
    const listed = playlist.segments;
    const newestListed = listed.at(-1);
    const last = this.#segments.at(-1);
    if (!newestListed) return;
    if (last && !after(last, newestListed) && !this.#knows(newestListed)) {
      // The sequence went back to segments we never saw: the origin restarted the stream.
      this.#onWarning(
        `The playlist ${this.#url} restarted its media sequence (${newestListed.mediaSequenceNumber} after ${last.msn}); starting the timeline over.`,
      );
      this.#segments = [];
    }
    const base = this.#mediaUrl ?? this.#url;
    let previous = this.#segments.at(-1);
    // Only the newest keepSeconds of a long playlist (an EVENT playlist from its start).
    let from = listed.length;
    for (let kept = 0; from > 0 && kept < this.#keepSeconds;) kept += listed[--from]!.duration;
    for (const s of listed.slice(from)) {
      if (previous && !after(previous, s)) continue; // known already
      const fresh = record(s, base);
      const carried =
        previous?.date !== undefined && follows(previous, fresh)
          ? previous.date + previous.duration * 1000
          : undefined;
      const segment: Segment = {
        ...fresh,
        // RFC 8216 §4.3.2.6: a segment without the tag takes the previous one's date + its
        // duration; not across a discontinuity, where the origin must tag it anew.
        date: dateOf(s) ?? (s.discontinuity ? undefined : carried),
      };
      previous = segment;
      this.#segments.push(segment);
      this.#reads = this.#reads.then(() => this.#readStart(segment));
    }
    this.#prune();
  }

  /** Whether a listed segment is one already recorded (same sequence number and URI). */
  #knows(s: types.Segment): boolean {
    const { msn, uri } = record(s, this.#mediaUrl ?? this.#url);
    return this.#segments.some((r) => r.msn === msn && r.uri === uri);
  }

  /**
   * Drops segments older than keepSeconds (measured back from the newest segment's end), and
   * the init segments no remaining segment uses.
   */
  #prune(): void {
    let kept = 0;
    let i = this.#segments.length;
    while (i > 0 && kept < this.#keepSeconds) kept += this.#segments[--i]!.duration;
    if (i > 0) this.#segments = this.#segments.slice(i);
    const used = new Set(this.#segments.map((s) => s.map && initKey(s.map)));
    for (const key of this.#inits.keys()) if (!used.has(key)) this.#inits.delete(key);
  }

  /** Reads one segment's start; estimates it from its neighbours when it cannot. */
  async #readStart(segment: Segment): Promise<void> {
    if (this.#stopped || !segment.pending) return;
    if (!this.#segments.includes(segment)) {
      segment.pending = false; // pruned (or the timeline restarted) before its turn
      return;
    }
    let read: { seconds: number; wraps: boolean } | undefined;
    let why =
      'neither an MPEG-TS PTS nor an fMP4 box in its first 64 KB (encrypted segments are estimated)';
    try {
      read = await this.#segmentStart(segment);
    } catch (err) {
      if (this.#stopped) return;
      why = messageOf(err);
    }
    const index = this.#segments.indexOf(segment); // -1 once pruned: nothing to estimate from
    const previous = index > 0 ? this.#segments[index - 1] : undefined;
    if (read !== undefined) {
      // A PTS is unwrapped next to the closest earlier start, so the chain stays continuous;
      // fMP4 times are 64-bit and ffmpeg's own.
      const reference = this.#segments
        .slice(0, Math.max(0, index))
        .findLast((s) => s.start !== undefined)?.start;
      segment.start =
        read.wraps && reference !== undefined ? unwrapNear(read.seconds, reference) : read.seconds;
      this.#ptsUnreadable = false;
      this.#backfill(index);
    } else {
      if (!this.#ptsUnreadable)
        this.#onWarning(
          `Cannot read the start PTS of ${segment.uri}: ${why}. Estimating segment starts from EXTINF durations until one can be read.`,
        );
      this.#ptsUnreadable = true;
      if (previous?.start !== undefined && follows(previous, segment))
        segment.start = previous.start + previous.duration;
    }
    segment.pending = false;
  }

  /**
   * A segment's start from its first 64 KB: the first video PTS of MPEG-TS, or the first
   * presentation time of fMP4 (with its EXT-X-MAP init segment, or a moov of its own).
   * Undefined when MPEG-TS bytes hold no PTS; throws when fMP4 bytes cannot be read. `wraps`:
   * whether the time is a 33-bit PTS, to be unwrapped.
   */
  async #segmentStart(segment: Segment): Promise<{ seconds: number; wraps: boolean } | undefined> {
    const length = Math.min(segment.range?.length ?? Infinity, SEGMENT_HEAD_BYTES);
    const head = await this.#readRange(segment.uri, segment.range?.offset ?? 0, length);
    if (!isIsoBmff(head)) {
      const pts = firstPts(head);
      return pts === undefined ? undefined : { seconds: pts, wraps: true };
    }
    let init: Fmp4Init;
    if (segment.map) {
      init = await this.#init(segment.map);
    } else {
      try {
        init = readInitSegment(head);
      } catch (err) {
        const why = `no EXT-X-MAP, and no moov of its own: ${messageOf(err)}`;
        throw new Error(why, { cause: err });
      }
    }
    return { seconds: firstPresentationTime(head, init).seconds, wraps: false };
  }

  /** The init segment of an EXT-X-MAP, fetched once (a failed read is tried again later). */
  #init(map: InitSection): Promise<Fmp4Init> {
    const key = initKey(map);
    let init = this.#inits.get(key);
    if (!init) {
      const length = Math.min(map.range?.length ?? Infinity, INIT_MAX_BYTES);
      init = this.#readRange(map.uri, map.range?.offset ?? 0, length).then((bytes) => {
        try {
          return readInitSegment(bytes);
        } catch (err) {
          throw new Error(`the init segment ${map.uri}: ${messageOf(err)}`, { cause: err });
        }
      });
      this.#inits.set(key, init);
      init.catch(() => {
        if (this.#inits.get(key) === init) this.#inits.delete(key);
      });
    }
    return init;
  }

  /** Estimates the starts of unread segments just before `index` back from its start. */
  #backfill(index: number): void {
    for (let i = index; i > 0; i--) {
      const s = this.#segments[i]!;
      const before = this.#segments[i - 1]!;
      if (before.start !== undefined || before.pending || !follows(before, s)) return;
      before.start = s.start! - before.duration;
    }
  }

  /**
   * `length` bytes of `uri` from `offset` (fewer where it ends): a Range request, or, from a
   * server that ignores Range, the whole body read up to them (at most MAX_SKIP_BYTES skipped)
   * and then hung up on.
   */
  async #readRange(uri: string, offset: number, length: number): Promise<Uint8Array> {
    const request = this.#request();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      const res = await fetch(uri, {
        signal: request.signal,
        headers: { Range: `bytes=${offset}-${offset + length - 1}` },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${uri}`);
      if (!res.body) return new Uint8Array(0);
      const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      /** Bytes of a whole body (200) still to pass before the range starts. */
      let skip = res.status === 206 ? 0 : offset;
      if (skip > MAX_SKIP_BYTES) {
        request.abort();
        throw new Error(
          `the server ignores Range requests, and the sub-range starts ${offset} bytes into ${uri}`,
        );
      }
      while (size < length) {
        const { done, value } = await reader.read();
        if (done) break;
        const kept = skip > 0 ? value.subarray(Math.min(skip, value.length)) : value;
        skip -= value.length - kept.length;
        if (kept.length === 0) continue;
        chunks.push(kept);
        size += kept.length;
      }
      // A server that ignored Range keeps sending: stop the transfer and its connection.
      if (res.status !== 206) request.abort();
      else await reader.cancel().catch(() => undefined);
    } finally {
      request.done();
    }
    const bytes = new Uint8Array(Math.min(size, length));
    let at = 0;
    for (const chunk of chunks) {
      if (at >= bytes.length) break;
      bytes.set(chunk.subarray(0, bytes.length - at), at);
      at += chunk.length;
    }
    return bytes;
  }
}

/** The place of `q` (chain seconds) in segment `s`. */
function placeOf(s: Segment & { start: number }, q: number): SegmentPlace {
  const place: SegmentPlace = { mediaSequence: s.msn, uri: s.uri };
  if (s.date !== undefined)
    place.programDateTime = new Date(Math.round(s.date + (q - s.start) * 1000)).toISOString();
  return place;
}

/** Whether listed segment `s` comes after recorded segment `r` (discontinuity sequence first). */
function after(r: Segment, s: types.Segment): boolean {
  return s.discontinuitySequence !== r.discontinuitySequence
    ? s.discontinuitySequence > r.discontinuitySequence
    : s.mediaSequenceNumber > r.msn;
}

/** Whether `s` directly follows `r`: the next media sequence number, no discontinuity between. */
function follows(r: Segment, s: Pick<Segment, 'msn' | 'discontinuitySequence'>): boolean {
  return s.msn === r.msn + 1 && s.discontinuitySequence === r.discontinuitySequence;
}

/** A listed segment as recorded, before its date and start are known. */
function record(s: types.Segment, base: string): Segment {
  return {
    msn: s.mediaSequenceNumber,
    discontinuitySequence: s.discontinuitySequence,
    uri: new URL(s.uri, base).href,
    range: rangeOf(s.byterange),
    map: s.map
      ? { uri: new URL(s.map.uri, base).href, range: rangeOf(s.map.byterange) }
      : undefined,
    duration: s.duration,
    date: undefined,
    start: undefined,
    pending: true,
  };
}

/** A BYTERANGE as parsed (offset −1 where the playlist gave none: from the start). */
function rangeOf(r: types.Byterange | undefined): ByteRange | undefined {
  if (!r || !(r.length > 0)) return undefined;
  return { offset: Math.max(0, r.offset), length: r.length };
}

function initKey(map: InitSection): string {
  return map.range ? `${map.uri} ${map.range.offset}+${map.range.length}` : map.uri;
}

function dateOf(s: types.Segment): number | undefined {
  const t = s.programDateTime?.getTime();
  return t === undefined || Number.isNaN(t) ? undefined : t;
}

/**
 * Parses with hls-parser, quietly: it prints what it finds invalid to the console unless told
 * not to (a module-wide option, set around this synchronous call and restored).
 */
function parsePlaylist(text: string, url: string): types.MasterPlaylist | types.MediaPlaylist {
  if (!text.replace(/^\uFEFF/, '').startsWith('#EXTM3U'))
    throw new Error(`${url} is not an HLS playlist`);
  const saved = getOptions();
  setOptions({ silent: true, strictMode: false });
  try {
    return parse(text);
  } catch (err) {
    throw new Error(`cannot parse the playlist ${url}: ${messageOf(err)}`, { cause: err });
  } finally {
    setOptions({ silent: saved.silent, strictMode: saved.strictMode });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
