import { InvalidLabelsError } from '../errors.js';

/** Parses H:MM:SS, MM:SS or SS (fractions allowed: 0:01:02.5) into seconds. */
export function parseTimecode(text: string): number {
  const parts = text.trim().split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new InvalidLabelsError(`Not a timecode: "${text}" (expected H:MM:SS, e.g. 0:01:05).`);
  }
  return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
}

/** Formats seconds as H:MM:SS (the seeds' format); fractions kept to milliseconds. */
export function formatTimecode(seconds: number): string {
  const whole = Math.floor(seconds + 1e-9);
  const frac = seconds - whole;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const base = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return frac > 5e-4
    ? `${base}.${Math.round(frac * 1000)
        .toString()
        .padStart(3, '0')}`
    : base;
}
