import type { Rng } from './rng.js';
import type { CreditsLook, ScenePart, SeriesCreditsLook, Shot } from './types.js';

/** Share of series whose credits roll over the final scene, squeezed beside footage, or full frame. */
const LAYOUTS: ReadonlyArray<readonly [SeriesCreditsLook['layout'], number]> = [
  ['full', 4],
  ['overScene', 3],
  ['squeeze', 3],
];

/** Per-series chance that an episode's credits end on an instrumental tail. */
const TAIL_CHANCES = [0, 0.5, 1] as const;

/** An instrumental tail: 5–20 s of music alone, at most this share of the credits. */
const TAIL_SECONDS: readonly [number, number] = [5, 20];
const TAIL_SHARE = 0.3;

/** Seconds the final scene's sound takes to fade out under credits rolling over it. */
export const SCENE_FADE_SECONDS = 4;

/**
 * What a series of a `creditLooks: 'all'` corpus does with its credits (issue 12): roll them
 * over the final scene, squeeze the picture to one side beside a text column, or keep the full
 * frame (black or dimmed footage, as `creditsOverFootage` says), and how often an instrumental
 * tail follows the last line.
 */
export function drawSeriesCreditsLook(rng: Rng): SeriesCreditsLook {
  return {
    layout: rng.weighted(LAYOUTS),
    side: rng.chance(0.5) ? 'left' : 'right',
    tailChance: rng.pick(TAIL_CHANCES),
  };
}

/**
 * One episode's credits look, for credits of `seconds` that follow `before` (the part just
 * before them). Credits roll over the final scene only when a body scene precedes them (a
 * preview in between breaks the scene); then the scene's last shot plays on undimmed under
 * the text, with its ambience fading out as the music fades in. `last`: this piece ends the
 * credits (a tail only ends them).
 */
export function drawCreditsLook(
  rng: Rng,
  series: SeriesCreditsLook,
  seconds: number,
  before: ScenePart | undefined,
  last: boolean,
): CreditsLook {
  const overScene = series.layout === 'overScene' && before?.kind === 'body';
  const layout = overScene ? 'overScene' : series.layout === 'squeeze' ? 'squeeze' : 'full';
  const room = Math.min(TAIL_SECONDS[1], Math.floor(TAIL_SHARE * seconds));
  const tail =
    last && room >= TAIL_SECONDS[0] && rng.chance(series.tailChance)
      ? rng.int(TAIL_SECONDS[0], room)
      : 0;
  return {
    layout,
    ...(layout === 'squeeze' ? { side: series.side } : {}),
    ...(overScene && before ? { sceneAmbient: before.ambient } : {}),
    tail,
  };
}

/**
 * The final scene's last shot played on for `seconds`: the same file from where the scene
 * left it, at the same speed and framing.
 */
export function shotPlayedOn(scene: ScenePart, seconds: number): Shot[] {
  const shot = scene.shots.at(-1);
  if (!shot) return [];
  return [
    {
      ...shot,
      offset: Math.round((shot.offset + shot.seconds * shot.speed) * 100) / 100,
      seconds,
    },
  ];
}
