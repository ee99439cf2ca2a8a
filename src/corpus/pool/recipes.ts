/**
 * What the pool takes from each Debian package: which paths, and which of them. One recipe is
 * one source (uses.ts decides its use). Choices are by name and a fixed hash, never by
 * directory order, so every build takes the same files.
 */
import { basename, extname } from 'node:path';
import { hashString } from '../rng.js';

/** A file of an unpacked package: path relative to the unpacked root, size in bytes. */
export interface UnpackedFile {
  path: string;
  size: number;
}

/** A chosen input and the name (without folder or extension) its output gets. */
export interface Pick {
  file: UnpackedFile;
  name: string;
}

export interface DebRecipe {
  /** Short name used in output file names and the state folder (`xmoto`). */
  id: string;
  /** The source the use is decided by (`deb:xmoto-data`). */
  source: string;
  kind: 'video' | 'music' | 'font';
  package: string;
  /** tar wildcards of the members to unpack. */
  include: readonly string[];
  pick: (files: readonly UnpackedFile[]) => Pick[];
  /** The license, read by hand, for a package whose debian/copyright is free-form. */
  license?: string;
}

/** Caps per source: enough variety, sane sizes (about 50 MB of music and 30 clips a source). */
export const POOL_LIMITS = { photos: 12, tracks: 16, minTrackSeconds: 30 } as const;

const stem = (path: string): string => basename(path, extname(path));
const slug = (text: string): string =>
  text
    .replace(/[^\w.-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
/** A fixed pseudo-random order (by name), then the first `n`. */
const firstByHash = <T>(items: readonly T[], key: (t: T) => string, n: number): T[] =>
  [...items].sort((a, b) => hashString(key(a)) - hashString(key(b))).slice(0, n);

/** Audio files under `dir`, named by their path below it; the duration filter comes later. */
function tracks(dir: string) {
  return (files: readonly UnpackedFile[]): Pick[] =>
    files
      .filter((f) => f.path.startsWith(dir) && /\.(ogg|opus|oga|flac|mp3|wav)$/i.test(f.path))
      .map((f) => ({ file: f, name: slug(f.path.slice(dir.length).replace(/\.[^.]+$/, '')) }));
}

const RASTER = /\.(jpe?g|png|webp)$/i;
/** Photos smaller than this are icons, previews or placeholders. */
const MIN_PHOTO_BYTES = 50_000;

/** One photo per design: files grouped by `group`, the one `choose` prefers of each group. */
function photos(
  group: (f: UnpackedFile) => string | undefined,
  choose: (a: UnpackedFile, b: UnpackedFile) => number,
) {
  return (files: readonly UnpackedFile[]): Pick[] => {
    const groups = new Map<string, UnpackedFile[]>();
    for (const f of files) {
      const g = RASTER.test(f.path) && f.size >= MIN_PHOTO_BYTES ? group(f) : undefined;
      if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), f]);
    }
    const picks = [...groups].map(([g, fs]) => ({ file: [...fs].sort(choose)[0]!, name: slug(g) }));
    return firstByHash(picks, (p) => p.name, POOL_LIMITS.photos);
  };
}

const dims = (path: string): [number, number] => {
  const m = /(\d+)x(\d+)\.\w+$/.exec(path);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};

/** Font files whose names match `names` (a few weights of a family). */
function fonts(names: RegExp) {
  return (files: readonly UnpackedFile[]): Pick[] =>
    files.filter((f) => names.test(basename(f.path))).map((f) => ({ file: f, name: stem(f.path) }));
}

export const DEB_RECIPES: readonly DebRecipe[] = [
  // Photos, cut into pans and zooms.
  {
    id: 'gnome',
    source: 'deb:gnome-backgrounds',
    kind: 'video',
    package: 'gnome-backgrounds',
    include: ['./usr/share/backgrounds/gnome/*'],
    license:
      'CC-BY-SA-3.0, CC-BY-SA-2.0 or CC-BY-2.0 by image (free-form debian/copyright of gnome-backgrounds)',
    // adwaita-d / adwaita-l are one design, dark and light: one source of motion, two looks.
    pick: photos(
      (f) => stem(f.path),
      (a, b) => a.size - b.size,
    ),
  },
  {
    id: 'mate',
    source: 'deb:mate-backgrounds',
    kind: 'video',
    package: 'mate-backgrounds',
    include: ['./usr/share/backgrounds/mate/*'],
    // Elephants.jpg, Elephants_3840x2160.jpg…: one design; the smallest file is plenty.
    pick: photos(
      (f) => stem(f.path).replace(/_\d+x\d+$/, ''),
      (a, b) => a.size - b.size,
    ),
  },
  {
    id: 'plasma',
    source: 'deb:plasma-workspace-wallpapers',
    kind: 'video',
    package: 'plasma-workspace-wallpapers',
    include: ['./usr/share/wallpapers/*/contents/images/*'],
    // One landscape image per wallpaper (the smallest at least 1920 wide, else the widest).
    pick: photos(
      (f) => {
        const [w, h] = dims(f.path);
        return w > h ? /wallpapers\/([^/]+)\//.exec(f.path)?.[1] : undefined;
      },
      (a, b) => {
        const [wa] = dims(a.path);
        const [wb] = dims(b.path);
        const big = (w: number) => (w >= 1920 ? 0 : 1);
        return big(wa) - big(wb) || (wa >= 1920 ? wa - wb : wb - wa);
      },
    ),
  },
  // Music: the soundtrack of each game.
  {
    id: 'warzone2100',
    source: 'deb:warzone2100-music',
    kind: 'music',
    package: 'warzone2100-music',
    include: ['./usr/share/games/warzone2100/music/*.opus'],
    pick: tracks('usr/share/games/warzone2100/music/'),
  },
  {
    // neverball-data's music ships in neverball-common, the package it depends on.
    id: 'neverball',
    source: 'deb:neverball',
    kind: 'music',
    package: 'neverball-common',
    include: ['./usr/share/games/neverball/bgm/*'],
    pick: tracks('usr/share/games/neverball/bgm/'),
  },
  {
    id: 'supertux',
    source: 'deb:supertux-data',
    kind: 'music',
    package: 'supertux-data',
    include: ['./usr/share/games/supertux2/music/*.ogg'],
    pick: tracks('usr/share/games/supertux2/music/'),
  },
  {
    id: 'freedroidrpg',
    source: 'deb:freedroidrpg-data',
    kind: 'music',
    package: 'freedroidrpg-data',
    include: ['./usr/share/freedroidrpg/data/sound/music/*'],
    pick: tracks('usr/share/freedroidrpg/data/sound/music/'),
  },
  {
    id: 'xmoto',
    source: 'deb:xmoto-data',
    kind: 'music',
    package: 'xmoto-data',
    include: ['./usr/share/games/xmoto/Textures/Musics/*'],
    pick: tracks('usr/share/games/xmoto/Textures/Musics/'),
  },
  {
    id: 'openclonk',
    source: 'deb:openclonk-data',
    kind: 'music',
    package: 'openclonk-data',
    include: ['./usr/share/games/openclonk/Music.ocg/*.ogg'],
    license: 'CC-BY-3.0 or CC0-1.0 (game content; free-form debian/copyright of openclonk-data)',
    pick: tracks('usr/share/games/openclonk/Music.ocg/'),
  },
  // Fonts: a few cuts of each family.
  {
    id: 'noto-sans',
    source: 'font:noto-sans',
    kind: 'font',
    package: 'fonts-noto-core',
    include: [
      './usr/share/fonts/truetype/noto/NotoSans-*',
      './usr/share/fonts/truetype/noto/NotoSansDisplay-*',
    ],
    pick: fonts(/^NotoSans(Display)?-(Regular|Bold|Italic)\.ttf$/),
  },
  {
    id: 'noto-serif',
    source: 'font:noto-serif',
    kind: 'font',
    package: 'fonts-noto-core',
    include: [
      './usr/share/fonts/truetype/noto/NotoSerif-*',
      './usr/share/fonts/truetype/noto/NotoSerifDisplay-*',
    ],
    pick: fonts(/^NotoSerif(Display)?-(Regular|Bold|Italic)\.ttf$/),
  },
  {
    id: 'roboto',
    source: 'font:roboto',
    kind: 'font',
    package: 'fonts-roboto-unhinted',
    include: ['./usr/share/fonts/truetype/roboto/unhinted/*'],
    pick: fonts(/^Roboto(Condensed)?-(Regular|Bold|Light)\.ttf$/),
  },
  {
    id: 'cantarell',
    source: 'font:cantarell',
    kind: 'font',
    package: 'fonts-cantarell',
    include: ['./usr/share/fonts/opentype/cantarell/*'],
    pick: fonts(/^Cantarell-(Regular|Bold|Light|ExtraBold)\.otf$/),
  },
  {
    id: 'lato',
    source: 'font:lato',
    kind: 'font',
    package: 'fonts-lato',
    include: ['./usr/share/fonts/truetype/lato/*'],
    pick: fonts(/^Lato-(Regular|Bold|Light|Black|Italic)\.ttf$/),
  },
];

/** Music picks beyond the per-source cap, dropped in a fixed order (by name). */
export function capTracks<T extends { name: string }>(picks: readonly T[]): T[] {
  return firstByHash(picks, (p) => p.name, POOL_LIMITS.tracks).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
}
