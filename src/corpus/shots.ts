import type { Rng } from './rng.js';
import type { Grade, MediaFile, Shot } from './types.js';

function drawGrade(rng: Rng, strength: number): Grade {
  return {
    brightness: rng.round(rng.float(-0.08, 0.08) * strength, 3),
    contrast: rng.round(1 + rng.float(-0.2, 0.25) * strength, 3),
    saturation: rng.round(1 + rng.float(-0.5, 0.5) * strength, 3),
    hue: rng.round(rng.float(-25, 25) * strength, 1),
  };
}

/** One shot of `seconds` from a random place in a random footage file, randomly transformed. */
function drawShot(rng: Rng, video: readonly MediaFile[], seconds: number): Shot {
  const file = rng.pick(video);
  const speed = rng.round(
    rng.weighted([
      [1, 3],
      [rng.float(0.8, 1.25), 2],
    ]),
    3,
  );
  const need = seconds * speed;
  const offset = rng.round(rng.float(0, Math.max(0, file.duration - need - 0.5)), 2);
  return {
    file: file.path,
    offset,
    seconds,
    speed,
    zoom: rng.round(
      rng.weighted([
        [1, 2],
        [rng.float(1.05, 1.5), 3],
      ]),
      3,
    ),
    cropX: rng.round(rng.float(0.2, 0.8), 3),
    cropY: rng.round(rng.float(0.3, 0.7), 3),
    hflip: rng.chance(0.3),
    grade: drawGrade(rng, rng.float(0.3, 1)),
  };
}

/** Splits `total` whole seconds into shots of `min`..`max` whole seconds each. */
export function drawShots(
  rng: Rng,
  video: readonly MediaFile[],
  total: number,
  min: number,
  max: number,
): Shot[] {
  const shots: Shot[] = [];
  let left = total;
  while (left > 0) {
    const len = Math.min(left, rng.int(Math.min(min, left), Math.max(min, Math.min(max, left))));
    shots.push(drawShot(rng, video, len));
    left -= len;
  }
  return shots;
}
