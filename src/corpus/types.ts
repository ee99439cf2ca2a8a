/**
 * The corpus plan: everything needed to render every episode, derived from the seed and the
 * media pool alone. Times are whole seconds from the start of the episode; media paths are
 * relative to the media folder.
 */

export type MediaKind = 'video' | 'music' | 'speech';

/**
 * What a pool file (or voice, or font) may be used for: `train` material shapes models and
 * rules, `eval` material only builds evaluation corpora. Assigned by whole source
 * (src/corpus/pool/uses.ts), so no film, album, speaker or font family is in both.
 */
export type MediaUse = 'train' | 'eval';

export interface MediaFile {
  /** Path relative to the media folder, with forward slashes (e.g. `music/wesnoth_knolls.ogg`). */
  path: string;
  duration: number;
  /** From the pool's MANIFEST.tsv; absent (a pool without one, a file it does not list): `train`. */
  use?: MediaUse;
}

/** A font file of the pool (`fonts/…`), relative to the media folder. */
export interface FontFile {
  path: string;
  use: MediaUse;
}

/** Text-to-speech voices by engine, as the engine names them (`en-gb-x-rp+f3`, `slt`). */
export type VoiceTable = Record<'espeak-ng' | 'flite', string[]>;

export interface MediaPool {
  /** Absolute path of the media folder. */
  root: string;
  video: MediaFile[];
  music: MediaFile[];
  speech: MediaFile[];
  /** Font files of the pool's fonts/ (none or absent: text falls back to DejaVu). */
  fonts?: FontFile[];
  /** TTS voices of the pool's use (src/corpus/pool/voices.ts); absent: the planner's own list. */
  voices?: VoiceTable;
}

export interface CorpusOptions {
  seed: number;
  series: number;
  episodes: number;
  minMinutes: number;
  maxMinutes: number;
  /** Largest frame width the format draw may use (height follows 16:9). */
  maxWidth: number;
  /**
   * How episodes are shaped (src/corpus/profiles.ts); absent means `short`, so the stamps of
   * corpora built before profiles existed still match.
   */
  profile?: CorpusProfileName;
  /**
   * Plan only from pool files, fonts and voices of this use (src/corpus/pool/uses.ts); absent
   * means all of them, so the stamps of corpora built before uses existed still match.
   */
  use?: MediaUse;
  /**
   * `all`: plan every skippable part (issue 16) — "next time" previews cut from the next
   * episode, recaps with the sound of their shots, from any earlier episode and sometimes under a
   * narrator, mid-credits scenes — and list every part in labels.json (`parts`). Absent: the parts
   * corpora had before it, planned and labelled byte for byte as then (eval/eval-v1.json).
   */
  parts?: CorpusParts;
  /**
   * `all`: credits in every look (issue 12) — rolled over the final scene, squeezed beside
   * footage, some with an instrumental tail — besides scroll or cards over black or dimmed
   * footage. Absent: credits planned byte for byte as before it.
   */
  creditLooks?: CorpusCreditLooks;
  /**
   * `all`: studio stings of several designs (issue 12) — each series has one of a few studios,
   * each with its own name, picture, motion and sound — instead of the one sting every series
   * shares. Absent: stings planned byte for byte as before it.
   */
  stings?: CorpusStings;
}

/** Which parts a corpus plans (see `CorpusOptions.parts`). */
export type CorpusParts = 'all';

/** Which credit looks a corpus plans (see `CorpusOptions.creditLooks`). */
export type CorpusCreditLooks = 'all';

/** Which studio stings a corpus plans (see `CorpusOptions.stings`). */
export type CorpusStings = 'all';

/** `short`: 3–6-min training episodes; `broadcast`: realistic 20–45-min episodes. */
export type CorpusProfileName = 'short' | 'broadcast';

export type Container = 'mp4' | 'mkv' | 'ts';
export type VideoCodec = 'h264' | 'hevc' | 'vp9';
export type AudioCodec = 'aac' | 'opus' | 'ac3';
/** Output frame rate; `vfr` drops frames irregularly from a 29.97 stream. */
export type FrameRate = '23.976' | '25' | '29.97' | 'vfr';

export interface OutputFormat {
  container: Container;
  videoCodec: VideoCodec;
  audioCodec: AudioCodec;
  frameRate: FrameRate;
  width: number;
  height: number;
  sampleRate: 44100 | 48000;
  /** Loudness offset applied to the whole episode, dB. */
  gainDb: number;
  /** Quality knob of the final encode (CRF for x264/x265, kbit/s for VP9). */
  quality: number;
}

/** Colour grade applied to a shot. */
export interface Grade {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** A piece of footage: `seconds` of output taken from `file` at `offset`, sped up by `speed`. */
export interface Shot {
  file: string;
  offset: number;
  seconds: number;
  speed: number;
  /** Crop zoom ≥ 1 and crop centre (0..1). */
  zoom: number;
  cropX: number;
  cropY: number;
  hflip: boolean;
  grade: Grade;
}

export type SpeechSource =
  | { kind: 'file'; file: string }
  | { kind: 'tts'; engine: 'espeak-ng' | 'flite'; voice: string; rate: number; text: string };

export interface SpeechCue {
  source: SpeechSource;
  /** Seconds from the start of the part. */
  at: number;
  gainDb: number;
  /** Seconds into the source where it starts playing (a line carried from mid-sentence); absent: 0. */
  from?: number;
  /** Plays at most this long (a carried line cut with its shot); absent: to its end. */
  seconds?: number;
}

/** A narrator over a part: the rest of the part's sound is ducked while it speaks. */
export interface VoiceOver {
  cue: SpeechCue;
  /** The rest is lowered by `duckDb` from `cue.at` until `until` (seconds from the part's start). */
  until: number;
  duckDb: number;
}

/**
 * Where a recap's or preview's shot was cut from: a body scene of another episode (`scene`, its
 * start in that episode), `at` seconds into the scene. The shot is that scene's footage there:
 * same file, offset `at`'s, speed, crop and grade.
 */
export interface ShotSource {
  episode: string;
  scene: number;
  at: number;
}

export interface MusicBed {
  file: string;
  offset: number;
  gainDb: number;
}

export type TextFont = 'sans-bold' | 'serif-bold' | 'mono' | 'sans-condensed' | 'sans-light';

interface PartBase {
  start: number;
  duration: number;
}

/**
 * Footage with speech, ambience and maybe music: cold open, recap, body scenes, post-credits;
 * with `parts: 'all'` also a "next time" preview and a mid-credits scene.
 */
export interface ScenePart extends PartBase {
  kind: 'coldopen' | 'recap' | 'body' | 'postcredits' | 'preview' | 'midcredits';
  shots: Shot[];
  speech: SpeechCue[];
  ambient: { color: 'pink' | 'brown' | 'white'; gainDb: number };
  music: MusicBed | null;
  /** Text shown for the first seconds (e.g. "Previously on …"). */
  caption: string | null;
  /** A narrator ("Previously on …"), recaps and previews of `parts: 'all'` only. */
  voiceOver?: VoiceOver;
  /** Where each shot was cut from, one per shot (recaps and previews of `parts: 'all'`). */
  sources?: ShotSource[];
}

/** How this episode's copy of the series intro differs from the cached render. */
export type IntroVariant = 'exact' | 'fade-in-first' | 'fade-out-last' | 'reencode';

export interface IntroPart extends PartBase {
  kind: 'intro';
  variant: IntroVariant;
  /**
   * Which of the series' openings this is (1: `intro`, 2: `secondOpening`); present only when
   * the series has two.
   */
  opening?: 1 | 2;
}

/** The studio sting: the one every series shares, or (`stings: 'all'`) the series' studio's. */
export interface LogoPart extends PartBase {
  kind: 'logo';
  design?: StingDesign;
}

/**
 * A studio's sting (`stings: 'all'` corpora): its name on a generated background, how the name
 * comes in, and its sound — a decaying chord, a whoosh, or a few seconds of music.
 */
export interface StingDesign {
  studio: string;
  card: NonNullable<IntroDesign['card']>;
  font: TextFont;
  /** A font file of the pool (relative to the media folder); else DejaVu. */
  fontFile?: string;
  fontColor: string;
  motion: 'fade' | 'slide' | 'rise';
  sound:
    | { kind: 'chord'; root: number; decay: number }
    | { kind: 'whoosh'; color: 'pink' | 'white' | 'brown' }
    | { kind: 'music'; file: string; offset: number };
}

export interface CreditsPart extends PartBase {
  kind: 'credits';
  style: 'scroll' | 'cards';
  /** Footage behind the text (darkened), or null for black. */
  background: Shot[] | null;
  music: MusicBed;
  lines: string[];
  font: TextFont;
  /** A font file of the pool (relative to the media folder) to letter it with; else DejaVu. */
  fontFile?: string;
  /** How the credits look beyond style and background (`creditLooks: 'all'` corpora only). */
  look?: CreditsLook;
}

/**
 * A credits piece's look: `full` frame (black or dimmed footage), `overScene` (the final
 * scene's last shot plays on undimmed under the text, its ambience fading out as the music
 * fades in), or `squeeze` (the footage shrunk to one `side`, the text in a column beside it).
 * `tail`: the last seconds are the music alone over black, after the last line.
 */
export interface CreditsLook {
  layout: 'full' | 'overScene' | 'squeeze';
  side?: 'left' | 'right';
  sceneAmbient?: ScenePart['ambient'];
  tail: number;
}

/** What a series of a `creditLooks: 'all'` corpus drew for its credits. */
export interface SeriesCreditsLook {
  layout: 'full' | 'overScene' | 'squeeze';
  /** Where a squeezed picture sits. */
  side: 'left' | 'right';
  /** Chance that an episode's credits end on an instrumental tail. */
  tailChance: number;
}

export type Part = ScenePart | IntroPart | LogoPart | CreditsPart;

export type Split = 'train' | 'val' | 'test';

export interface IntroDesign {
  style: 'montage' | 'titlecard';
  duration: number;
  title: string;
  font: TextFont;
  /** A font file of the pool (relative to the media folder) for the title; else DejaVu. */
  fontFile?: string;
  fontColor: string;
  /** Theme music: `duration` seconds of `file` from `offset`. */
  theme: { file: string; offset: number };
  /** Montage footage (style montage). */
  shots: Shot[];
  /** Generated background (style titlecard). */
  card: {
    source: 'mandelbrot' | 'life' | 'cellauto' | 'gradients' | 'testsrc2' | 'noise';
    colorA: string;
    colorB: string;
  } | null;
  titleMotion: 'static' | 'fade' | 'rise';
}

/** A season's other opening: the intro changes from an episode on, or alternates with the first. */
export interface SecondOpening {
  design: IntroDesign;
  /** `switch`: episodes `from` onwards use it; `alternate`: every other episode from `from`. */
  pattern: 'switch' | 'alternate';
  from: number;
}

export interface SeriesPlan {
  id: string;
  title: string;
  split: Split;
  intro: IntroDesign;
  /** A second, different opening (broadcast profile, some series). */
  secondOpening?: SecondOpening;
  /** Recurring end-credits music (never the theme's file). */
  creditsMusic: { file: string; offset: number };
  creditsStyle: 'scroll' | 'cards';
  creditsOverFootage: boolean;
  /** The series' credits look (`creditLooks: 'all'` corpora only). */
  creditsLook?: SeriesCreditsLook;
  /** The series' studio sting (`stings: 'all'` corpora only). */
  sting?: StingDesign;
  /** Episode-level probabilities this series was drawn with. */
  odds: { noIntro: number; coldOpen: number; recap: number; logo: number; postCredits: number };
  format: OutputFormat;
  /** The series' draws for the parts of `parts: 'all'` (absent without it). */
  parts?: SeriesParts;
}

/** A TTS voice that narrates a series' recaps and previews. */
export interface Narrator {
  engine: 'espeak-ng' | 'flite';
  voice: string;
  rate: number;
}

/** What a series of a `parts: 'all'` corpus drew for its previews, recaps and credits. */
export interface SeriesParts {
  /** Episode-level probabilities (a series that never previews has `preview` 0). */
  odds: { preview: number; midCredits: number };
  /** Where its previews play: right after the credits, or just before them. */
  previewAt: 'afterCredits' | 'beforeCredits';
  /** Its recaps' and previews' narrator, or null when they have none (caption only). */
  narrator: Narrator | null;
}

export interface EpisodePlan {
  id: string;
  series: string;
  /** 1-based episode number within the series. */
  number: number;
  name: string;
  /** Output file relative to the corpus folder: `<series>/<id>.<ext>`. */
  file: string;
  duration: number;
  format: OutputFormat;
  parts: Part[];
  intro: { start: number; end: number } | null;
  /**
   * The end credits: from the first credits part's start to the last one's end, so credits
   * interrupted by a mid-credits scene span it (the parts list the two credits pieces).
   */
  credits: { start: number; end: number } | null;
}

export interface CorpusPlan {
  options: CorpusOptions;
  series: SeriesPlan[];
  episodes: EpisodePlan[];
}
