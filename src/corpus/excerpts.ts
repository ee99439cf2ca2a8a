import type { Rng } from './rng.js';
import type {
  EpisodePlan,
  MediaPool,
  Narrator,
  ScenePart,
  Shot,
  ShotSource,
  SpeechCue,
  SpeechSource,
  VoiceOver,
} from './types.js';
import { speechSeconds } from './words.js';

/** A recap's or preview's footage: excerpts of body shots, the dialogue under them, their sources. */
export interface Excerpts {
  shots: Shot[];
  speech: SpeechCue[];
  sources: ShotSource[];
}

/** How long a speech source plays: a pool file's duration, a TTS line's estimate. */
export function speechLength(pool: MediaPool): (source: SpeechSource) => number {
  const durations = new Map(pool.speech.map((f) => [f.path, f.duration]));
  return (source) =>
    source.kind === 'file'
      ? (durations.get(source.file) ?? 0)
      : speechSeconds(source.text, source.rate);
}

/** Shortest stretch of a carried line worth keeping, seconds. */
const MIN_CARRIED = 0.3;

/**
 * The lines of a scene's dialogue heard between `at` and `at + seconds` of the scene, moved to
 * start `to` seconds into the new part: each starts where the excerpt catches it (`from` into
 * its source when it was already speaking) and is cut with the excerpt.
 */
function carriedSpeech(
  speech: readonly SpeechCue[],
  at: number,
  seconds: number,
  to: number,
  lengthOf: (source: SpeechSource) => number,
): SpeechCue[] {
  const out: SpeechCue[] = [];
  const end = at + seconds;
  for (const cue of speech) {
    const cueEnd = cue.at + (cue.seconds ?? lengthOf(cue.source) - (cue.from ?? 0));
    const begin = Math.max(cue.at, at);
    if (Math.min(cueEnd, end) - begin < MIN_CARRIED) continue;
    const from = (cue.from ?? 0) + begin - cue.at;
    out.push({
      source: cue.source,
      at: round(to + begin - at),
      gainDb: cue.gainDb,
      ...(from > 0 ? { from: round(from) } : {}),
      seconds: round(end - begin),
    });
  }
  return out;
}

const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

function bodyScenes(ep: EpisodePlan): ScenePart[] {
  return ep.parts.filter((p): p is ScenePart => p.kind === 'body' && p.shots.length > 0);
}

/**
 * Cuts `duration` whole seconds of excerpts, `min`..`max` s each, from body shots of episodes
 * (`source` picks each excerpt's episode): a whole-second stretch of one shot, so its footage
 * is the body's at that moment (same file, its offset there, same speed, crop and grade), with
 * the dialogue heard there.
 */
export function cutExcerpts(
  rng: Rng,
  source: (rng: Rng) => EpisodePlan,
  duration: number,
  [min, max]: readonly [number, number],
  lengthOf: (source: SpeechSource) => number,
): Excerpts {
  const out: Excerpts = { shots: [], speech: [], sources: [] };
  const used = new Set<string>();
  let t = 0;
  while (t < duration) {
    const want = Math.min(duration - t, rng.int(min, max));
    // A moment already shown is drawn again, a few times at most (small seasons repeat).
    let cut = excerpt(rng, source(rng), want);
    for (let tries = 0; tries < RETRIES && used.has(cut.key); tries++)
      cut = excerpt(rng, source(rng), want);
    used.add(cut.key);
    const { shot, scene, at } = cut;
    out.shots.push(shot);
    out.sources.push({ episode: cut.episode, scene: scene.start, at });
    out.speech.push(...carriedSpeech(scene.speech, at, shot.seconds, t, lengthOf));
    t += shot.seconds;
  }
  return out;
}

/** Draws of an excerpt that was already used, at most. */
const RETRIES = 4;

/** One excerpt of up to `want` seconds from a random body shot of `ep`. */
function excerpt(
  rng: Rng,
  ep: EpisodePlan,
  want: number,
): { shot: Shot; scene: ScenePart; at: number; episode: string; key: string } {
  const scenes = bodyScenes(ep);
  if (scenes.length === 0) throw new Error(`unreachable: episode ${ep.id} has no body scene`);
  const scene = rng.pick(scenes);
  const index = rng.int(0, scene.shots.length - 1);
  const body = scene.shots[index]!;
  const shotStart = scene.shots.slice(0, index).reduce((s, x) => s + x.seconds, 0);
  const seconds = Math.min(want, body.seconds);
  const skip = rng.int(0, body.seconds - seconds);
  const at = shotStart + skip;
  return {
    shot: { ...body, offset: round(body.offset + skip * body.speed, 3), seconds },
    scene,
    at,
    episode: ep.id,
    key: `${ep.id}@${scene.start}+${at}`,
  };
}

/** The narrator's line over the first seconds of a part, the rest ducked by `duckDb` under it. */
export function narration(rng: Rng, narrator: Narrator, text: string, duckDb: number): VoiceOver {
  const at = rng.round(rng.float(0.2, 0.8), 2);
  return {
    cue: {
      source: {
        kind: 'tts',
        engine: narrator.engine,
        voice: narrator.voice,
        rate: narrator.rate,
        text,
      },
      at,
      gainDb: rng.round(rng.float(0, 3), 1),
    },
    until: rng.round(at + speechSeconds(text, narrator.rate) + 0.3, 2),
    duckDb,
  };
}
