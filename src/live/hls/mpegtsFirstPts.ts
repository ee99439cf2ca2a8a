/**
 * The presentation time at which an MPEG-TS segment starts, read from its first bytes: enough
 * of ISO/IEC 13818-1 to follow PAT → PMT → the first PES header of the first video stream.
 * Live HLS segments start with a PAT, a PMT and a video keyframe, so the first 64 KB of a
 * segment are plenty.
 */

const PACKET = 188;
const SYNC = 0x47;
/** The 33-bit PTS counts a 90 kHz clock. */
const CLOCK_HZ = 90_000;

/** PMT stream types of video: MPEG-1 and MPEG-2 video, H.264, HEVC. */
const VIDEO_STREAM_TYPES: ReadonlySet<number> = new Set([0x01, 0x02, 0x1b, 0x24]);

/**
 * The PTS in seconds (the raw 33-bit value / 90 000, not unwrapped) of the first PES packet
 * of the first video stream in `bytes`, or of the first PES with a PTS of any stream when the
 * program has no video. Undefined when the bytes are not MPEG-TS (no sync byte every 188
 * bytes), when the video stream's first PES header is not among them, or when it has no PTS.
 * A PMT missing from the bytes (a segment cut mid-stream) leaves PES stream ids to tell video
 * (0xE0–0xEF) from the rest.
 */
export function firstPts(bytes: Uint8Array): number | undefined {
  const start = syncOffset(bytes);
  if (start === undefined) return undefined;
  let pmtPid: number | undefined;
  /** PID → stream type, once the PMT has been read. */
  let streams: Map<number, number> | undefined;
  let firstAny: number | undefined;
  for (let at = start; at + PACKET <= bytes.length; at += PACKET) {
    if (bytes[at] !== SYNC) break; // lost sync: what follows cannot be trusted
    const b1 = bytes[at + 1]!;
    const unitStart = (b1 & 0x40) !== 0;
    const pid = ((b1 & 0x1f) << 8) | bytes[at + 2]!;
    const control = (bytes[at + 3]! >> 4) & 0x3;
    if ((control & 0x1) === 0 || !unitStart) continue; // no payload, or not the start of one
    let payload = at + 4;
    if (control & 0x2) payload += 1 + bytes[at + 4]!; // adaptation field
    const end = at + PACKET;
    if (payload >= end) continue;
    const packet = bytes.subarray(payload, end);
    if (pid === 0) {
      pmtPid ??= patFirstPmtPid(packet);
    } else if (pid === pmtPid && streams === undefined) {
      streams = pmtStreams(packet);
      if (streams && firstAny !== undefined && !hasVideo(streams)) return firstAny;
    } else {
      const pes = pesPts(packet);
      if (pes === undefined) continue;
      const isVideo = streams
        ? VIDEO_STREAM_TYPES.has(streams.get(pid) ?? -1)
        : pes.streamId >= 0xe0 && pes.streamId <= 0xef;
      if (isVideo && pes.pts !== undefined) return pes.pts / CLOCK_HZ;
      if (streams?.has(pid) === false) continue; // not a stream of the program
      if (firstAny === undefined && pes.pts !== undefined) {
        firstAny = pes.pts / CLOCK_HZ;
        if (streams && !hasVideo(streams)) return firstAny;
      }
    }
  }
  // The video's first PES was not among the bytes: another stream's time would be off by the
  // interleaving, so only a program known to have no video answers with it.
  if (streams) return hasVideo(streams) ? undefined : firstAny;
  return firstAny;
}

/** The offset of the first packet: a sync byte followed by more, 188 bytes apart. */
function syncOffset(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < PACKET && i + PACKET <= bytes.length; i++) {
    if (bytes[i] !== SYNC) continue;
    let ok = true;
    for (let k = 1; k <= 2 && i + k * PACKET < bytes.length; k++)
      if (bytes[i + k * PACKET] !== SYNC) ok = false;
    if (ok) return i;
  }
  return undefined;
}

function hasVideo(streams: ReadonlyMap<number, number>): boolean {
  for (const type of streams.values()) if (VIDEO_STREAM_TYPES.has(type)) return true;
  return false;
}

/**
 * The body of the PSI section that starts in `payload` (after the pointer field), checked for
 * `tableId`; the bytes between the header and the CRC, or undefined.
 */
function section(payload: Uint8Array, tableId: number, headerLength: number) {
  const pointer = payload[0];
  if (pointer === undefined) return undefined;
  const s = 1 + pointer;
  if (payload[s] !== tableId || s + 3 > payload.length) return undefined;
  const length = ((payload[s + 1]! & 0x0f) << 8) | payload[s + 2]!;
  const bodyStart = s + 3 + headerLength;
  const bodyEnd = Math.min(s + 3 + length - 4, payload.length); // the CRC_32 ends the section
  return bodyStart <= bodyEnd ? { payload, bodyStart, bodyEnd } : undefined;
}

/** The PID of the first program's PMT, from a PAT (program 0 is the network PID). */
function patFirstPmtPid(payload: Uint8Array): number | undefined {
  const body = section(payload, 0x00, 5);
  if (!body) return undefined;
  const p = body.payload;
  for (let i = body.bodyStart; i + 4 <= body.bodyEnd; i += 4) {
    const program = (p[i]! << 8) | p[i + 1]!;
    if (program !== 0) return ((p[i + 2]! & 0x1f) << 8) | p[i + 3]!;
  }
  return undefined;
}

/** PID → stream type of a PMT's elementary streams, in the PMT's order. */
function pmtStreams(payload: Uint8Array): Map<number, number> | undefined {
  const body = section(payload, 0x02, 9);
  if (!body) return undefined;
  const p = body.payload;
  // program_info_length sits in the last two header bytes; the stream loop follows it.
  const infoLength = ((p[body.bodyStart - 2]! & 0x0f) << 8) | p[body.bodyStart - 1]!;
  const streams = new Map<number, number>();
  for (let i = body.bodyStart + infoLength; i + 5 <= body.bodyEnd;) {
    const type = p[i]!;
    const pid = ((p[i + 1]! & 0x1f) << 8) | p[i + 2]!;
    const esInfoLength = ((p[i + 3]! & 0x0f) << 8) | p[i + 4]!;
    if (!streams.has(pid)) streams.set(pid, type);
    i += 5 + esInfoLength;
  }
  return streams;
}

/** The stream id and PTS (90 kHz ticks) of the PES header that starts `payload`. */
function pesPts(payload: Uint8Array): { streamId: number; pts: number | undefined } | undefined {
  if (payload.length < 9 || payload[0] !== 0 || payload[1] !== 0 || payload[2] !== 1)
    return undefined;
  const streamId = payload[3]!;
  // Streams without the optional PES header (padding, private_stream_2, ECM, EMM, DSM-CC…).
  if ([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff].includes(streamId))
    return { streamId, pts: undefined };
  if ((payload[6]! & 0xc0) !== 0x80) return { streamId, pts: undefined };
  const hasPts = (payload[7]! & 0x80) !== 0;
  if (!hasPts || payload.length < 14) return { streamId, pts: undefined };
  const b = payload;
  // 33 bits over five bytes with marker bits; arithmetic, not bit operators (32-bit in JS).
  const pts =
    ((b[9]! >> 1) & 0x07) * 2 ** 30 +
    b[10]! * 2 ** 22 +
    (b[11]! >> 1) * 2 ** 15 +
    b[12]! * 2 ** 7 +
    (b[13]! >> 1);
  return { streamId, pts };
}
