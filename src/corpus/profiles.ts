import type { CorpusProfileName } from './types.js';

/**
 * A length drawn as a share of the episode: whole seconds in
 * [max(min, minShare·D), max(min + 1, min(max, maxShare·D))).
 */
export interface Band {
  min: number;
  max: number;
  minShare: number;
  maxShare: number;
}

/** A band, and maybe a rarer long tail drawn instead with probability `chance`. */
export interface LengthDraw {
  band: Band;
  tail: { chance: number; band: Band } | null;
}

/** The episode-level probabilities a series draws from (one value per list, per series). */
export interface OddsChoices {
  noIntro: readonly number[];
  coldOpen: readonly number[];
  recap: readonly number[];
  logo: readonly number[];
  postCredits: readonly number[];
}

/**
 * How a profile shapes the parts of `parts: 'all'` (issue 16): previews, recaps with sound and
 * a narrator, mid-credits scenes. Read only with that option, so corpora planned without it
 * stay as they were.
 */
export interface PartsProfile {
  /** Episode-level probabilities a series draws from (one value per list, per series). */
  odds: { preview: readonly number[]; midCredits: readonly number[] };
  /** Share of series whose previews play just before the credits (the others: right after). */
  previewBeforeCredits: number;
  /** Share of series whose recaps and previews have a narrator (TTS) over their start. */
  narrator: number;
  /** How far the rest of the sound is ducked under the narrator, dB. */
  duckDb: number;
  /** Share of a recap's excerpts from the previous episode; the rest from any earlier one. */
  recapFromPrevious: number;
  /** Lengths of a recap's and a preview's excerpts (cut from body shots), seconds. */
  excerpts: readonly [number, number];
  preview: LengthDraw;
  midCredits: LengthDraw;
  /** Shortest credits piece on either side of a mid-credits scene. */
  creditsPiece: number;
}

/** Everything that shapes episodes in a corpus profile. Times are whole seconds. */
export interface CorpusProfile {
  name: CorpusProfileName;
  /** Episode length when `--min-minutes`/`--max-minutes` are not given. */
  minutes: readonly [number, number];
  /** Shortest episode the profile's lengths fit in, minutes (`--min-minutes` below it is refused). */
  minMinutes: number;
  /** Intro length classes; series cycle through them so every corpus mixes them. */
  introClasses: Readonly<Record<string, readonly [number, number]>>;
  /** Longest intro: this share of the shortest episode (at least 3 s), and at most `introMax`. */
  introShare: number;
  introMax: number;
  /** Latest intro start: recap + cold open + logo never reach past it. */
  introStartMax: number;
  /** Montage shot lengths of an intro. */
  introShots: readonly [number, number];
  odds: OddsChoices;
  recap: LengthDraw;
  coldOpen: LengthDraw;
  /** Length of the studio logo sting. */
  logo: readonly [number, number];
  credits: LengthDraw;
  /** Shot lengths of the footage behind credits (series with credits over footage). */
  creditsShots: readonly [number, number];
  postCredits: LengthDraw;
  /** The body keeps at least this share of the episode (cold open, recap, post, logo shrink). */
  minBodyShare: number;
  /** Scene lengths the cold open and the body are cut into. */
  coldOpenScenes: readonly [number, number];
  bodyScenes: readonly [number, number];
  /** Share of series with a second opening, and how often it switches rather than alternates. */
  secondOpening: { chance: number; switchChance: number };
  parts: PartsProfile;
}

const band = (min: number, max: number, maxShare: number, minShare = 0): Band => ({
  min,
  max,
  minShare,
  maxShare,
});

/**
 * `short`: the training corpora since the first one (3–6-min episodes); its numbers are the
 * planner's original constants, so the same seed and options give the same plan as before
 * profiles existed (test/unit/corpus-plan.test.ts pins it).
 */
const SHORT: CorpusProfile = {
  name: 'short',
  minutes: [4, 6],
  minMinutes: 0.5,
  introClasses: { tiny: [3, 5], short: [8, 20], medium: [25, 60], long: [90, 150] },
  introShare: 0.45,
  introMax: 150,
  introStartMax: Number.POSITIVE_INFINITY,
  introShots: [1, 4],
  odds: {
    noIntro: [0.1, 0.15, 0.25],
    coldOpen: [0.2, 0.6, 0.9],
    recap: [0, 0.3, 0.6],
    logo: [0, 0.3, 0.7],
    postCredits: [0.1, 0.3],
  },
  recap: { band: band(6, 45, 0.08), tail: null },
  coldOpen: { band: band(5, 300, 0.25), tail: null },
  logo: [4, 4],
  credits: { band: band(5, 90, 0.12, 0.05), tail: null },
  creditsShots: [3, 8],
  postCredits: { band: band(4, 30, 0.06), tail: null },
  minBodyShare: 0.3,
  coldOpenScenes: [10, 60],
  bodyScenes: [12, 75],
  secondOpening: { chance: 0, switchChance: 0 },
  // The training corpus: the broadcast shares below, previews and mid-credits scenes a little
  // oversampled (mid-credits about 10 % of episodes, not 5 %) so that a model sees enough of
  // the rare parts; the lengths are the broadcast ones, capped by these shorter episodes.
  parts: {
    odds: { preview: [0, 0, 0.6, 0.9], midCredits: [0, 0, 0.1, 0.3] },
    previewBeforeCredits: 0.3,
    narrator: 0.5,
    duckDb: -12,
    recapFromPrevious: 0.6,
    excerpts: [2, 4],
    preview: { band: band(10, 40, 0.1), tail: null },
    midCredits: { band: band(10, 60, 0.08), tail: null },
    creditsPiece: 3,
  },
};

/**
 * `broadcast`: episodes shaped like hour-slot and half-hour TV drama, for a frozen evaluation
 * set (issue 12). Ranges follow broadcast practice: title cards of a few seconds to opening
 * sequences of 3 min; "previously on" recaps of 20–90 s; cold opens mostly 15 s–5 min, some to
 * 10 min; a production-company sting of 3–6 s; end credits of 30 s–2 min, one episode in six
 * 2–4 min; post-credits scenes of 10–90 s. Intros start by 10 min at the latest. About a
 * quarter of the series have a second opening (changed mid-season, or alternating).
 */
const BROADCAST: CorpusProfile = {
  name: 'broadcast',
  minutes: [20, 45],
  minMinutes: 10,
  introClasses: {
    card: [3, 8],
    short: [10, 30],
    medium: [30, 75],
    long: [75, 120],
    epic: [120, 180],
  },
  introShare: 0.45,
  introMax: 180,
  introStartMax: 600,
  introShots: [2, 6],
  odds: {
    noIntro: [0.03, 0.08, 0.15],
    coldOpen: [0, 0.3, 0.6, 0.9],
    recap: [0, 0, 0.3, 0.7],
    logo: [0, 0, 0.3, 0.8],
    postCredits: [0, 0.1, 0.25],
  },
  recap: { band: band(20, 90, 0.06), tail: null },
  coldOpen: { band: band(15, 300, 0.2), tail: { chance: 0.2, band: band(300, 600, 0.3) } },
  logo: [3, 6],
  credits: { band: band(30, 120, 0.08), tail: { chance: 1 / 6, band: band(120, 240, 0.12) } },
  creditsShots: [5, 15],
  postCredits: { band: band(10, 90, 0.05), tail: null },
  minBodyShare: 0.5,
  coldOpenScenes: [15, 90],
  bodyScenes: [20, 120],
  secondOpening: { chance: 0.25, switchChance: 0.6 },
  // Shares with `parts: 'all'`, estimated from broadcast practice (our reading of how network
  // and cable dramas air, not a measured count): "next time on" previews are a habit of some
  // shows — network serials and procedurals air one nearly every week, most cable and
  // streaming dramas never — so 2 series in 5 preview, in 70–95 % of their episodes (about a
  // third of all episodes; never the season's last). Most play right after the credits, some
  // just before them. "Previously on" recaps belong to serialized shows (the recap odds above)
  // and reach back past the previous episode; a narrator reads the opening line in about a
  // third of the shows, the rest rely on the caption. Mid-credits scenes are rare on TV (a tag
  // cut into the credits, mostly in comedies and genre shows): 2 series in 5 have any, about
  // 5 % of all episodes. Lengths: previews 10–40 s, mid-credits scenes 10–60 s.
  parts: {
    odds: { preview: [0, 0, 0, 0.7, 0.95], midCredits: [0, 0, 0, 0.05, 0.2] },
    previewBeforeCredits: 0.3,
    narrator: 0.35,
    duckDb: -12,
    recapFromPrevious: 0.6,
    excerpts: [2, 4],
    preview: { band: band(10, 40, 0.03), tail: null },
    midCredits: { band: band(10, 60, 0.04), tail: null },
    creditsPiece: 10,
  },
};

export const CORPUS_PROFILES: Readonly<Record<CorpusProfileName, CorpusProfile>> = {
  short: SHORT,
  broadcast: BROADCAST,
};

/** The profile named by the options (`short` when absent). */
export function corpusProfile(name: CorpusProfileName | undefined): CorpusProfile {
  return CORPUS_PROFILES[name ?? 'short'];
}
