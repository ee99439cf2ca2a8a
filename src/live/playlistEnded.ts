/**
 * Whether an HLS playlist says it is finished (`#EXT-X-ENDLIST`). ffmpeg exits cleanly both
 * when a live playlist ends and when it can no longer reload it (server down: "Failed to
 * reload playlist"), so after a clean exit the stream reader asks the playlist itself.
 * A master playlist is followed to its first variant. Any failure to fetch answers false
 * (not ended: reconnect).
 */
export async function playlistHasEnded(
  url: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<boolean> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    let target = url;
    for (let hop = 0; hop < 2; hop++) {
      const res = await fetch(target, { signal });
      if (!res.ok) return false;
      const text = await res.text();
      if (!text.startsWith('#EXTM3U')) return false;
      if (/^#EXT-X-ENDLIST\b/m.test(text)) return true;
      const variant = firstVariant(text);
      if (!variant) return false;
      target = new URL(variant, target).href;
    }
    return false;
  } catch {
    return false;
  }
}

/** The URI after the first `#EXT-X-STREAM-INF` of a master playlist, if any. */
function firstVariant(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const i = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF'));
  if (i < 0) return undefined;
  return lines.slice(i + 1).find((l) => l.length > 0 && !l.startsWith('#'));
}

/** True for inputs that look like HLS playlists (by path or by ffprobe's format name). */
export function looksLikeHls(input: string, formatName?: string): boolean {
  if (formatName !== undefined && /\bhls\b/.test(formatName)) return true;
  try {
    return /\.m3u8?$/i.test(new URL(input).pathname);
  } catch {
    return false;
  }
}
