import { BUILT_IN_VOICES } from './builtInVoices.js';
import { drawCreditsLook, shotPlayedOn } from './creditLooks.js';
import { cutExcerpts, narration, speechLength } from './excerpts.js';
import { extensionOf } from './formatPlan.js';
import type { Band, CorpusProfile, LengthDraw } from './profiles.js';
import type { Rng } from './rng.js';
import { usesSecondOpening } from './seriesPlan.js';
import { drawShots } from './shots.js';
import type {
  CreditsPart,
  EpisodePlan,
  IntroPart,
  IntroVariant,
  MediaPool,
  Part,
  ScenePart,
  SeriesPlan,
  Shot,
  SpeechCue,
} from './types.js';
import { creditLines, dialogueLine, episodeName, speechSeconds } from './words.js';

function drawSpeech(rng: Rng, pool: MediaPool, duration: number): SpeechCue[] {
  const cues: SpeechCue[] = [];
  let t = rng.float(0.3, 2);
  while (t < duration - 1) {
    let length: number;
    let cue: SpeechCue;
    if (rng.chance(0.6)) {
      const f = rng.pick(pool.speech);
      length = f.duration;
      cue = {
        source: { kind: 'file', file: f.path },
        at: rng.round(t, 2),
        gainDb: rng.round(rng.float(-4, 2), 1),
      };
    } else {
      const engine = rng.chance(0.6) ? 'espeak-ng' : 'flite';
      const text = dialogueLine(rng);
      const rate = engine === 'espeak-ng' ? rng.int(140, 185) : 160;
      length = speechSeconds(text, rate);
      cue = {
        source: {
          kind: 'tts',
          engine,
          voice: rng.pick((pool.voices ?? BUILT_IN_VOICES)[engine]),
          rate,
          text,
        },
        at: rng.round(t, 2),
        gainDb: rng.round(rng.float(-4, 2), 1),
      };
    }
    cues.push(cue);
    t += length + rng.float(0.3, 2.5);
  }
  return cues;
}

function scene(
  rng: Rng,
  pool: MediaPool,
  series: SeriesPlan,
  kind: ScenePart['kind'],
  start: number,
  duration: number,
  shots?: Shot[],
  speech?: SpeechCue[],
): ScenePart {
  const music = rng.chance(kind === 'body' ? 0.35 : 0.2)
    ? (() => {
        const others = pool.music.filter((m) => m.path !== series.intro.theme.file);
        const f = rng.pick(others.length > 0 ? others : pool.music);
        return {
          file: f.path,
          offset: rng.round(rng.float(0, Math.max(0, f.duration - duration - 1)), 2),
          gainDb: rng.round(rng.float(-22, -12), 1),
        };
      })()
    : null;
  return {
    kind,
    start,
    duration,
    shots: shots ?? drawShots(rng, pool.video, duration, 2, 8),
    speech: speech ?? drawSpeech(rng, pool, duration),
    ambient: {
      color: rng.pick(['pink', 'brown', 'white'] as const),
      gainDb: rng.round(rng.float(-40, -28), 1),
    },
    music,
    caption: CAPTIONS[kind]?.(series.title) ?? null,
  };
}

/** Text shown over the first seconds of a part. */
const CAPTIONS: Partial<Record<ScenePart['kind'], (title: string) => string>> = {
  recap: (title) => `Previously on ${title}`,
  preview: (title) => `Next time on ${title}`,
};

/** Earlier footage, re-cut: the recap's shots come from the previous episode's body. */
function recapShots(rng: Rng, previous: EpisodePlan, duration: number): Shot[] | undefined {
  const earlier = previous.parts.flatMap((p) => (p.kind === 'body' ? p.shots : []));
  if (earlier.length === 0) return undefined;
  const shots: Shot[] = [];
  let left = duration;
  while (left > 0) {
    const seconds = Math.min(left, rng.int(2, 4));
    shots.push({ ...rng.pick(earlier), seconds });
    left -= seconds;
  }
  return shots;
}

/**
 * A `parts: 'all'` recap: excerpts of earlier episodes' body shots with the dialogue under
 * them, mostly from the previous episode, some from any earlier one; a narrator over its start
 * when the series has one.
 */
function recapScene(
  rng: Rng,
  pool: MediaPool,
  series: SeriesPlan,
  profile: CorpusProfile,
  start: number,
  duration: number,
  earlier: readonly EpisodePlan[],
): ScenePart {
  const p = profile.parts;
  const previous = earlier[earlier.length - 1];
  if (!previous) throw new Error('unreachable: a recap without an earlier episode');
  const older = earlier.slice(0, -1);
  const cut = cutExcerpts(
    rng,
    (r) => (older.length > 0 && !r.chance(p.recapFromPrevious) ? r.pick(older) : previous),
    duration,
    p.excerpts,
    speechLength(pool),
  );
  const part = scene(rng, pool, series, 'recap', start, duration, cut.shots, cut.speech);
  const narrator = series.parts?.narrator;
  return {
    ...part,
    ...(narrator
      ? { voiceOver: narration(rng, narrator, `Previously on ${series.title}`, p.duckDb) }
      : {}),
    sources: cut.sources,
  };
}

/** Splits `total` seconds into pieces of `min`..`max` whole seconds. */
function lengths(rng: Rng, total: number, min: number, max: number): number[] {
  const out: number[] = [];
  let left = total;
  while (left > 0) {
    let len = Math.min(left, rng.int(min, max));
    if (left - len > 0 && left - len < min) len = left;
    out.push(len);
    left -= len;
  }
  return out;
}

function introVariant(rng: Rng, duration: number): IntroVariant {
  if (duration < 3) return rng.chance(0.8) ? 'exact' : 'reencode';
  return rng.weighted<IntroVariant>([
    ['exact', 4],
    ['fade-in-first', 1],
    ['fade-out-last', 1],
    ['reencode', 1],
  ]);
}

/** Whole seconds in the band, scaled to an episode of `D` seconds. */
function drawBand(rng: Rng, b: Band, D: number): number {
  return Math.floor(
    rng.float(
      Math.max(b.min, b.minShare * D),
      Math.max(b.min + 1, Math.min(b.max, b.maxShare * D)),
    ),
  );
}

/** A length from the band, or (rarely, where the profile has one) from its long tail. */
function drawLength(rng: Rng, d: LengthDraw, D: number): number {
  return drawBand(rng, d.tail && rng.chance(d.tail.chance) ? d.tail.band : d.band, D);
}

/** What an episode of a `parts: 'all'` corpus knows of its season (absent without it). */
export interface Season {
  /** The season's episodes before this one, in order (a recap cuts from them). */
  earlier: readonly EpisodePlan[];
  /** Whether an episode follows (the season's last has no preview). */
  hasNext: boolean;
}

/**
 * Plans one episode: recap? → cold open? → logo? → intro? → body scenes → credits →
 * post-credits?, all in whole seconds, so the labels are exact. The profile sets every length
 * and the latest intro start; a series with two openings plays the one its pattern says.
 *
 * With `season` (a `parts: 'all'` corpus, whose series have `parts`), also: a "next time"
 * preview just before or right after the credits (its footage left empty here: the next
 * episode is not planned yet, `withPreview` fills it), credits interrupted by a mid-credits
 * scene (credits → mid-credits → credits), and a recap cut from any earlier episode with its
 * sound. Those draws come from a fork, so plans without the option are drawn as they always
 * were.
 */
export function planEpisode(
  rng: Rng,
  pool: MediaPool,
  series: SeriesPlan,
  number: number,
  minSeconds: number,
  maxSeconds: number,
  previous: EpisodePlan | undefined,
  profile: CorpusProfile,
  season?: Season,
): EpisodePlan {
  // A fork does not advance `rng`: without `season`, nothing is drawn from it.
  const extra = rng.fork('parts');
  const sp = season ? series.parts : undefined;
  const id = `${series.id}e${String(number).padStart(2, '0')}`;
  const D = rng.int(Math.ceil(minSeconds), Math.max(Math.ceil(minSeconds), Math.floor(maxSeconds)));
  const { odds } = series;
  const second = series.secondOpening;
  const opening: 1 | 2 | undefined = second
    ? usesSecondOpening(second, number)
      ? 2
      : 1
    : undefined;
  const design = opening === 2 && second ? second.design : series.intro;
  const intro = rng.chance(odds.noIntro) ? 0 : design.duration;
  const credits = drawLength(rng, profile.credits, D);
  let post = rng.chance(odds.postCredits) ? drawLength(rng, profile.postCredits, D) : 0;
  const [logoMin, logoMax] = profile.logo;
  let logo = rng.chance(odds.logo)
    ? logoMin === logoMax
      ? logoMin
      : rng.int(logoMin, logoMax)
    : 0;
  let recap = previous && rng.chance(odds.recap) ? drawLength(rng, profile.recap, D) : 0;
  const coldMin = profile.coldOpen.band.min;
  let cold = rng.chance(odds.coldOpen) ? drawLength(rng, profile.coldOpen, D) : 0;
  let preview =
    sp && season?.hasNext && extra.chance(sp.odds.preview)
      ? drawLength(extra, profile.parts.preview, D)
      : 0;
  const piece = profile.parts.creditsPiece;
  let mid =
    sp && credits >= 2 * piece && extra.chance(sp.odds.midCredits)
      ? drawLength(extra, profile.parts.midCredits, D)
      : 0;
  // The intro starts by the profile's latest start: the cold open gives way.
  const room = profile.introStartMax - recap - logo;
  if (cold > room) cold = room >= coldMin ? room : 0;
  const minBody = Math.ceil(profile.minBodyShare * D);
  const body = (): number => D - intro - credits - post - logo - recap - cold - preview - mid;
  // (Without `season`, preview and mid are 0: the shrinking is what it always was.)
  for (const shrink of ['cold', 'recap', 'preview', 'mid', 'post', 'logo'] as const) {
    const deficit = minBody - body();
    if (deficit <= 0) break;
    if (shrink === 'cold') cold = cold - deficit >= coldMin ? cold - deficit : 0;
    if (shrink === 'recap') recap = 0;
    if (shrink === 'preview') preview = 0;
    if (shrink === 'mid') mid = 0;
    if (shrink === 'post') post = 0;
    if (shrink === 'logo') logo = 0;
  }

  const parts: Part[] = [];
  let t = 0;
  // A fork: corpora planned without credit looks draw what they always did.
  const lookRng = rng.fork('credit-look');
  /** `piece` with the series' credits look (creditLooks 'all' only), drawn for what precedes it. */
  const looked = (
    piece: CreditsPart,
    before: ScenePart | undefined,
    last: boolean,
  ): CreditsPart => {
    const seriesLook = series.creditsLook;
    if (!seriesLook) return piece;
    const look = drawCreditsLook(lookRng, seriesLook, piece.duration, before, last);
    const background =
      look.layout === 'overScene' && before
        ? shotPlayedOn(before, piece.duration)
        : look.layout === 'squeeze' && !piece.background
          ? drawShots(
              lookRng,
              pool.video,
              piece.duration,
              profile.creditsShots[0],
              profile.creditsShots[1],
            )
          : piece.background;
    return { ...piece, background, look };
  };
  const push = (p: Part): void => {
    parts.push(p);
    t += p.duration;
  };
  if (recap > 0 && previous)
    push(
      season && sp
        ? recapScene(extra, pool, series, profile, t, recap, season.earlier)
        : scene(rng, pool, series, 'recap', t, recap, recapShots(rng, previous, recap)),
    );
  if (cold > 0)
    for (const len of lengths(
      rng,
      cold,
      Math.min(profile.coldOpenScenes[0], cold),
      profile.coldOpenScenes[1],
    ))
      push(scene(rng, pool, series, 'coldopen', t, len));
  if (logo > 0)
    push({
      kind: 'logo',
      start: t,
      duration: logo,
      ...(series.sting ? { design: series.sting } : {}),
    });
  const introStart = t;
  if (intro > 0) {
    const part: IntroPart = {
      kind: 'intro',
      start: t,
      duration: intro,
      variant: introVariant(rng, intro),
      ...(opening ? { opening } : {}),
    };
    push(part);
  }
  const bodyLen = body();
  for (const len of lengths(
    rng,
    bodyLen,
    Math.min(profile.bodyScenes[0], bodyLen),
    profile.bodyScenes[1],
  ))
    push(scene(rng, pool, series, 'body', t, len));
  // The preview's footage is cut later from the next episode (`withPreview`).
  const pushPreview = (): void => push(scene(extra, pool, series, 'preview', t, preview, [], []));
  if (preview > 0 && sp?.previewAt === 'beforeCredits') pushPreview();
  const creditsStart = t;
  const split = mid > 0 ? creditsSplit(extra, credits, piece) : credits;
  const before = parts.at(-1);
  const first = looked(
    {
      kind: 'credits',
      start: t,
      duration: split,
      style: series.creditsStyle,
      background: series.creditsOverFootage
        ? drawShots(rng, pool.video, split, profile.creditsShots[0], profile.creditsShots[1])
        : null,
      music: { ...series.creditsMusic, gainDb: rng.round(rng.float(-5, 0), 1) },
      lines: creditLines(rng, series.title, creditRoles(series, split)),
      font: series.intro.font,
      ...(series.intro.fontFile !== undefined ? { fontFile: series.intro.fontFile } : {}),
    },
    before?.kind === 'body' ? before : undefined,
    mid === 0,
  );
  push(first);
  if (mid > 0) {
    push(scene(extra, pool, series, 'midcredits', t, mid));
    // The credits resume where they stopped: the music plays on, the roll goes on without the
    // title.
    const rest = credits - split;
    push(
      looked(
        {
          ...first,
          start: t,
          duration: rest,
          background: series.creditsOverFootage
            ? drawShots(extra, pool.video, rest, profile.creditsShots[0], profile.creditsShots[1])
            : null,
          music: {
            ...first.music,
            offset: extra.round(first.music.offset + split, 2),
          },
          lines: creditLines(extra, series.title, creditRoles(series, rest)).slice(2),
        },
        undefined,
        true,
      ),
    );
  }
  const creditsEnd = t;
  if (preview > 0 && sp?.previewAt === 'afterCredits') pushPreview();
  if (post > 0) push(scene(rng, pool, series, 'postcredits', t, post));

  const format = { ...series.format, gainDb: rng.round(rng.float(-8, 0) * 2, 0) / 2 };
  return {
    id,
    series: series.id,
    number,
    name: `${series.title} E${number}: ${episodeName(rng)}`,
    file: `${series.id}/${id}.${extensionOf(format.container)}`,
    duration: t,
    format,
    parts,
    intro: intro > 0 ? { start: introStart, end: introStart + intro } : null,
    credits: { start: creditsStart, end: creditsEnd },
  };
}

/** Credit roles for a roll of `seconds` (a card holds about 3 s of them, a scroll 4 s). */
function creditRoles(series: SeriesPlan, seconds: number): number {
  return Math.max(2, Math.floor(seconds / (series.creditsStyle === 'cards' ? 3 : 4)));
}

/**
 * Where a mid-credits scene cuts into credits of `credits` seconds: after 20–60 % of them
 * (the main titles have rolled), leaving at least `piece` seconds on either side.
 */
function creditsSplit(rng: Rng, credits: number, piece: number): number {
  const lo = Math.max(piece, Math.ceil(0.2 * credits));
  const hi = Math.max(lo, Math.min(credits - piece, Math.floor(0.6 * credits)));
  return rng.int(lo, hi);
}
