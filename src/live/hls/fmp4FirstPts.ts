/**
 * The presentation time at which a fragmented MP4 (CMAF) media segment starts, read from its
 * first bytes and its initialization segment: enough of ISO/IEC 14496-12 to follow
 * moov → trak (tkhd, edts/elst, mdia/mdhd, mdia/hdlr) in the init segment and
 * moof → traf (tfhd, tfdt, trun) in the media segment. `styp`, `sidx`, `emsg` and other boxes
 * before the first `moof` are skipped; 64-bit box sizes are read.
 *
 * Times land on ffmpeg's timeline, as its mov demuxer reads an HLS fMP4 stream (checked
 * against ffprobe): the first sample's decode time (tfdt) plus its composition offset, plus
 * the shift of the track's edit list (a leading empty edit — where ffmpeg keeps an
 * `-output_ts_offset` or `-copyts` start — minus the next edit's media_time), plus ffmpeg's
 * `dts_shift` (the largest negative composition offset of the fragment, which it adds to every
 * PTS). fMP4 decode times are 64-bit: they do not wrap.
 */
import { IntrodetectError } from '../../errors.js';

/** Bytes that are not a readable fMP4 init or media segment: a box malformed or cut off. */
export class Fmp4ParseError extends IntrodetectError {
  constructor(message: string) {
    super('NOT_MEDIA', message);
    this.name = 'Fmp4ParseError';
  }
}

/** One track of an init segment, as far as its times go. */
export interface Fmp4Track {
  readonly trackId: number;
  /** The hdlr handler type: 'vide', 'soun', 'subt'… */
  readonly handler: string;
  /** Ticks per second of the track's media times (mdhd). */
  readonly timescale: number;
  /**
   * Ticks added to a sample's decode time to put it on the presentation timeline: the edit
   * list's leading empty edit (rescaled to `timescale`) minus the next edit's media_time, as
   * ffmpeg applies them; 0 without an edit list.
   */
  readonly editShift: number;
}

/** What an init segment tells about times. */
export interface Fmp4Init {
  readonly tracks: readonly Fmp4Track[];
  /** The track whose times are read: the first video track, else the first track. */
  readonly track: Fmp4Track;
}

/** The first presentation time of a media segment's track. */
export interface Fmp4Time {
  /** `ticks / timescale`. */
  readonly seconds: number;
  /** On the presentation timeline, in the track's timescale. */
  readonly ticks: number;
  readonly timescale: number;
  readonly trackId: number;
}

/** Box types found at the top level of an init or media segment. */
const TOP_LEVEL_TYPES: ReadonlySet<string> = new Set([
  'ftyp',
  'styp',
  'sidx',
  'ssix',
  'moof',
  'moov',
  'mdat',
  'emsg',
  'prft',
  'free',
  'skip',
  'uuid',
  'pdin',
  'meta',
  'mfra',
]);

/** trun flags: which optional fields it carries (ISO/IEC 14496-12 §8.8.8). */
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_SAMPLE_FLAGS = 0x4;
const TRUN_SAMPLE_DURATION = 0x100;
const TRUN_SAMPLE_SIZE = 0x200;
const TRUN_SAMPLE_FLAGS = 0x400;
const TRUN_SAMPLE_CTO = 0x800;

/** Whether `bytes` start like an ISO BMFF file (fMP4): a plausible first box header. */
export function isIsoBmff(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return (size === 0 || size === 1 || size >= 8) && TOP_LEVEL_TYPES.has(fourCc(bytes, 4));
}

/**
 * The tracks of an init segment (its `moov`) with their timescales and edit-list shifts.
 * Throws Fmp4ParseError when there is no complete moov, or a box in it is malformed.
 */
export function readInitSegment(bytes: Uint8Array): Fmp4Init {
  const { boxes, cut } = topLevel(bytes);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov)
    throw new Fmp4ParseError(
      cut?.type === 'moov'
        ? `the moov box at byte ${cut.at} is cut off: ${cut.size ?? 'more'} bytes declared, ${bytes.length - cut.at} read`
        : `no moov box in the ${bytes.length} bytes of the init segment`,
    );
  const view = viewOf(bytes);
  const kids = children(bytes, moov, 'moov');
  const mvhd = kids.find((b) => b.type === 'mvhd');
  if (!mvhd) throw new Fmp4ParseError('the moov box has no mvhd');
  const movieTimescale = afterTimes(new Fields(view, mvhd, 'moov/mvhd'));
  const tracks = kids
    .filter((b) => b.type === 'trak')
    .map((trak) => readTrak(bytes, trak, movieTimescale));
  const track = tracks.find((t) => t.handler === 'vide') ?? tracks[0];
  if (!track) throw new Fmp4ParseError('the moov box has no trak');
  return { tracks, track };
}

/**
 * The first presentation time of `init.track` (or the track `trackId`) in a media segment:
 * the first moof holding a traf of that track, its tfdt, its first sample's composition
 * offset. Throws Fmp4ParseError when the bytes hold no such fragment (or end inside its moof),
 * or a box is malformed.
 */
export function firstPresentationTime(
  bytes: Uint8Array,
  init: Fmp4Init,
  trackId: number = init.track.trackId,
): Fmp4Time {
  const track = init.tracks.find((t) => t.trackId === trackId);
  if (!track) throw new Fmp4ParseError(`the init segment has no track ${trackId}`);
  const { boxes, cut } = topLevel(bytes);
  for (const moof of boxes) {
    if (moof.type !== 'moof') continue;
    const decoded = fragmentStart(bytes, moof, trackId);
    if (decoded === undefined) continue;
    const ticks = decoded + track.editShift;
    return { seconds: ticks / track.timescale, ticks, timescale: track.timescale, trackId };
  }
  const what = `fragment of track ${trackId} (${track.handler})`;
  if (cut?.type === 'moof')
    throw new Fmp4ParseError(
      `the moof box at byte ${cut.at} is cut off: ${cut.size ?? 'more'} bytes declared, ${bytes.length - cut.at} read`,
    );
  if (cut)
    throw new Fmp4ParseError(
      `no ${what} in the first ${cut.at} bytes (the ${cut.type ?? 'next'} box there runs past the ${bytes.length} bytes read)`,
    );
  throw new Fmp4ParseError(`no ${what} in the ${bytes.length} bytes of the segment`);
}

interface Box {
  type: string;
  /** Offset of the header. */
  at: number;
  /** Offset of the body (after size, type, largesize and a uuid's usertype). */
  body: number;
  /** Offset just past the box. */
  end: number;
}

/**
 * The top-level boxes `bytes` hold in full, in order, and the box they end inside (`cut`:
 * its type and declared size where the header was read) — the start of a segment read with
 * a Range request ends inside a box.
 */
function topLevel(bytes: Uint8Array): {
  boxes: Box[];
  cut: { at: number; type: string | undefined; size: number | undefined } | undefined;
} {
  const view = viewOf(bytes);
  const boxes: Box[] = [];
  for (let at = 0; at < bytes.length;) {
    const box = header(bytes, view, at, Infinity, '');
    if (box === undefined || box.end > bytes.length) {
      const type = box?.type ?? (bytes.length - at >= 8 ? fourCc(bytes, at + 4) : undefined);
      return { boxes, cut: { at, type, size: box && box.end - box.at } };
    }
    boxes.push(box);
    at = box.end;
  }
  return { boxes, cut: undefined };
}

/** The child boxes of `parent`; they must fill it exactly. */
function children(bytes: Uint8Array, parent: Box, path: string): Box[] {
  const view = viewOf(bytes);
  const kids: Box[] = [];
  for (let at = parent.body; at < parent.end;) {
    const box = header(bytes, view, at, parent.end, path);
    if (box === undefined || box.end > parent.end)
      throw new Fmp4ParseError(
        `malformed ${path} box: a child at byte ${at}${box ? ` ('${box.type}', ${box.end - box.at} bytes)` : ''} runs past its end at byte ${parent.end}`,
      );
    kids.push(box);
    at = box.end;
  }
  return kids;
}

/**
 * The box whose header starts at `at`, or undefined when its header runs past `limit` (or the
 * bytes). Size 0 means "to the end of the enclosing box" (of the bytes, at the top level).
 */
function header(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  limit: number,
  path: string,
): Box | undefined {
  const end = Math.min(limit, bytes.length);
  if (end - at < 8) return undefined;
  const type = fourCc(bytes, at + 4);
  let size = view.getUint32(at);
  let body = at + 8;
  if (size === 1) {
    if (end - at < 16) return undefined;
    const large = view.getBigUint64(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER))
      throw new Fmp4ParseError(
        `the ${where(path, type)} box at byte ${at} declares ${large} bytes`,
      );
    size = Number(large);
    body = at + 16;
  } else if (size === 0) {
    size = (limit === Infinity ? bytes.length : limit) - at;
  }
  if (type === 'uuid') body += 16;
  if (size < body - at)
    throw new Fmp4ParseError(
      `the ${where(path, type)} box at byte ${at} declares ${size} bytes, less than its own header`,
    );
  return { type, at, body, end: at + size };
}

/** One trak of a moov: its id, handler, timescale and edit-list shift. */
function readTrak(bytes: Uint8Array, trak: Box, movieTimescale: number): Fmp4Track {
  const view = viewOf(bytes);
  const kids = children(bytes, trak, 'moov/trak');
  const tkhd = kids.find((b) => b.type === 'tkhd');
  const mdia = kids.find((b) => b.type === 'mdia');
  if (!tkhd || !mdia) throw new Fmp4ParseError('a trak box has no tkhd or no mdia');
  const trackId = afterTimes(new Fields(view, tkhd, 'trak/tkhd'));
  const media = children(bytes, mdia, 'trak/mdia');
  const mdhd = media.find((b) => b.type === 'mdhd');
  if (!mdhd) throw new Fmp4ParseError(`the mdia box of track ${trackId} has no mdhd`);
  const timescale = afterTimes(new Fields(view, mdhd, 'mdia/mdhd'));
  if (timescale === 0) throw new Fmp4ParseError(`track ${trackId} has a timescale of 0`);
  const hdlr = media.find((b) => b.type === 'hdlr');
  let handler = '';
  if (hdlr) {
    const h = new Fields(view, hdlr, 'mdia/hdlr');
    h.skip(8); // version, flags, pre_defined
    h.need(4);
    handler = fourCc(bytes, h.at);
  }
  const edts = kids.find((b) => b.type === 'edts');
  const elst = edts && children(bytes, edts, 'trak/edts').find((b) => b.type === 'elst');
  const editShift = elst ? editListShift(view, elst, timescale, movieTimescale) : 0;
  return { trackId, handler, timescale, editShift };
}

/**
 * The shift an edit list gives decode times, in media ticks, read as ffmpeg's mov demuxer
 * reads it (mov_build_index): a first entry with media_time −1 is an empty edit whose duration
 * (movie timescale) delays the track; the entry after it (or the first one) gives the media
 * time shown first, which is subtracted. Further edits are not applied to fragments.
 */
function editListShift(
  view: DataView,
  elst: Box,
  timescale: number,
  movieTimescale: number,
): number {
  const f = new Fields(view, elst, 'edts/elst');
  const version = f.u8();
  f.skip(3);
  const count = f.u32();
  let empty = 0;
  let mediaStart = 0;
  let startIndex = 0;
  for (let i = 0; i < count; i++) {
    const duration = version === 1 ? f.u64() : f.u32();
    const mediaTime = version === 1 ? f.i64() : f.i32();
    f.skip(4); // media_rate
    if (i === 0 && mediaTime === -1) {
      empty = duration;
      startIndex = 1;
    } else if (i === startIndex && mediaTime >= 0) {
      mediaStart = mediaTime;
    }
  }
  if (movieTimescale === 0) return 0;
  return Math.round((empty * timescale) / movieTimescale) - mediaStart;
}

/**
 * The presentation time (ticks, before the edit list) of the first sample of track `trackId`
 * in a moof, with ffmpeg's dts_shift; undefined when the moof has no samples of that track.
 */
function fragmentStart(bytes: Uint8Array, moof: Box, trackId: number): number | undefined {
  const view = viewOf(bytes);
  for (const traf of children(bytes, moof, 'moof')) {
    if (traf.type !== 'traf') continue;
    const kids = children(bytes, traf, 'moof/traf');
    const tfhd = kids.find((b) => b.type === 'tfhd');
    if (!tfhd) throw new Fmp4ParseError('a traf box has no tfhd');
    const h = new Fields(view, tfhd, 'traf/tfhd');
    h.skip(4); // version, flags
    if (h.u32() !== trackId) continue;
    let first: number | undefined;
    /** ffmpeg adds the largest negative composition offset it has seen to every PTS. */
    let dtsShift = 0;
    for (const trun of kids) {
      if (trun.type !== 'trun') continue;
      const f = new Fields(view, trun, 'traf/trun');
      f.skip(1); // version: offsets are read signed whatever it says, as ffmpeg does
      const flags = f.u24();
      const count = f.u32();
      if (flags & TRUN_DATA_OFFSET) f.skip(4);
      if (flags & TRUN_FIRST_SAMPLE_FLAGS) f.skip(4);
      const before =
        (flags & TRUN_SAMPLE_DURATION ? 4 : 0) +
        (flags & TRUN_SAMPLE_SIZE ? 4 : 0) +
        (flags & TRUN_SAMPLE_FLAGS ? 4 : 0);
      const stride = before + (flags & TRUN_SAMPLE_CTO ? 4 : 0);
      f.need(count * stride);
      for (let i = 0; i < count; i++) {
        f.skip(before);
        const cto = flags & TRUN_SAMPLE_CTO ? f.i32() : 0;
        first ??= cto;
        dtsShift = Math.max(dtsShift, -cto);
      }
    }
    if (first === undefined) continue; // a traf without samples
    const tfdt = kids.find((b) => b.type === 'tfdt');
    if (!tfdt)
      throw new Fmp4ParseError(
        `the traf of track ${trackId} has no tfdt (baseMediaDecodeTime): its start is unknown`,
      );
    const d = new Fields(view, tfdt, 'traf/tfdt');
    const version = d.u8();
    d.skip(3);
    const decodeTime = version === 1 ? d.u64() : d.u32();
    return decodeTime + first + dtsShift;
  }
  return undefined;
}

/** Sequential reads of a box's fields, each checked against the box's end. */
class Fields {
  at: number;
  readonly #view: DataView;
  readonly #box: Box;
  readonly #path: string;

  constructor(view: DataView, box: Box, path: string) {
    this.#view = view;
    this.#box = box;
    this.#path = path;
    this.at = box.body;
  }

  /** Throws unless `n` more bytes are inside the box. */
  need(n: number): void {
    if (this.at + n > this.#box.end)
      throw new Fmp4ParseError(
        `malformed ${this.#path} box at byte ${this.#box.at}: its ${this.#box.end - this.#box.body} bytes end before its fields do`,
      );
  }

  skip(n: number): void {
    this.need(n);
    this.at += n;
  }

  u8(): number {
    this.need(1);
    return this.#view.getUint8(this.at++);
  }

  u24(): number {
    this.need(3);
    const v = (this.#view.getUint8(this.at) << 16) | this.#view.getUint16(this.at + 1);
    this.at += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.#view.getUint32(this.at);
    this.at += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.#view.getInt32(this.at);
    this.at += 4;
    return v;
  }

  /** 64-bit, as a number: exact below 2^53 ticks (three centuries at 1 GHz). */
  u64(): number {
    this.need(8);
    const v = Number(this.#view.getBigUint64(this.at));
    this.at += 8;
    return v;
  }

  i64(): number {
    this.need(8);
    const v = Number(this.#view.getBigInt64(this.at));
    this.at += 8;
    return v;
  }
}

/**
 * The 32-bit field after a full box's creation and modification times (32- or 64-bit by its
 * version): mvhd's and mdhd's timescale, tkhd's track_ID.
 */
function afterTimes(f: Fields): number {
  const version = f.u8();
  f.skip(3 + (version === 1 ? 16 : 8));
  return f.u32();
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A box type; bytes outside printable ASCII read as '?' (they are in no type we look for). */
function fourCc(bytes: Uint8Array, at: number): string {
  let type = '';
  for (let i = at; i < at + 4; i++) {
    const c = bytes[i]!;
    type += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return type;
}

function where(path: string, type: string): string {
  return path ? `${path}/${type}` : `'${type}'`;
}
