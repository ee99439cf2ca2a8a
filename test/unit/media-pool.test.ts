import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPoolManifest, scanMediaPool } from '../../src/corpus/mediaPool.js';
import { poolFontFor } from '../../src/corpus/pool/fonts.js';
import { photoClip, zoompanFilter } from '../../src/corpus/pool/footage.js';
import {
  formatPoolManifest,
  parsePoolManifest,
  type PoolEntry,
} from '../../src/corpus/pool/manifest.js';
import { DEB_RECIPES } from '../../src/corpus/pool/recipes.js';
import { SOURCE_USES, sharedSourceOf, useOfSource } from '../../src/corpus/pool/uses.js';
import { useOfVoice, voicesFor } from '../../src/corpus/pool/voices.js';
import { Rng } from '../../src/corpus/rng.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';

/** The shared media folder's paths (../shared/media/MANIFEST.tsv as it stands). */
const SHARED_PATHS = [
  'video/bbb_0-30s_720p.webm',
  'video/bbb_60s_640x360.mp4',
  'video/intel_car-detection.mp4',
  'video/sintel_26s_848x480.mp4',
  'music/big_buck_bunny_intro.mp3',
  'music/hedgewars_Beach.ogg',
  'music/wesnoth_knolls.ogg',
  'speech/jfk_inaugural_PD.flac',
  'speech/librispeech_CC-BY-4.0/198-209-0000.hq.ogg',
  'speech/librispeech_CC-BY-4.0/3436-172162-0000.hq.ogg',
  'speech/ljspeech_PD/LJ001-0001.wav',
];

describe('use assignment', () => {
  it('puts every source in exactly one use, the same on every call', () => {
    for (const [source, use] of Object.entries(SOURCE_USES)) {
      expect(['train', 'eval']).toContain(use);
      expect(useOfSource(source)).toBe(use);
    }
    const fresh = Array.from({ length: 60 }, (_, i) => `deb:new-package-${i}`);
    const uses = fresh.map(useOfSource);
    expect(fresh.map(useOfSource)).toEqual(uses);
    // A source added later: the hash rule puts about a third in eval.
    const evals = uses.filter((u) => u === 'eval').length;
    expect(evals).toBeGreaterThan(10);
    expect(evals).toBeLessThan(30);
  });

  it('gives each kind a real eval share: about a third of its sources, at least one', () => {
    const kinds: Record<string, string[]> = {
      video: ['film:big-buck-bunny', 'film:sintel', 'intel-sample-videos'].concat(
        DEB_RECIPES.filter((r) => r.kind === 'video').map((r) => r.source),
      ),
      music: ['film:big-buck-bunny', 'deb:wesnoth-1.16-music', 'deb:hedgewars-data'].concat(
        DEB_RECIPES.filter((r) => r.kind === 'music').map((r) => r.source),
      ),
      speech: SHARED_PATHS.filter((p) => p.startsWith('speech/')).map((p) => sharedSourceOf(p, '')),
      font: DEB_RECIPES.filter((r) => r.kind === 'font').map((r) => r.source),
    };
    for (const [kind, sources] of Object.entries(kinds)) {
      const unique = [...new Set(sources)];
      for (const s of unique) expect(SOURCE_USES, `${kind} source ${s}`).toHaveProperty([s]);
      const evals = unique.filter((s) => useOfSource(s) === 'eval').length;
      expect(evals, kind).toBeGreaterThanOrEqual(1);
      expect(evals, kind).toBeLessThan(unique.length);
    }
  });

  it('groups the shared media by film, album and speaker', () => {
    const src = (p: string): string => sharedSourceOf(p, 'github somewhere');
    expect(src('video/bbb_60s_640x360.mp4')).toBe('film:big-buck-bunny');
    expect(src('music/big_buck_bunny_intro.mp3')).toBe('film:big-buck-bunny');
    expect(src('video/sintel_26s_848x480.mp4')).toBe('film:sintel');
    expect(src('speech/ljspeech_PD/LJ001-0001.wav')).toBe('speaker:ljspeech');
    expect(src('speech/librispeech_CC-BY-4.0/3436-172162-0000.hq.ogg')).toBe(
      'speaker:librispeech-3436',
    );
    expect(useOfSource(src('speech/ljspeech_PD/LJ001-0001.wav'))).toBe('train');
    expect(useOfSource(src('speech/jfk_inaugural_PD.flac'))).toBe('eval');
    // Unknown files fall back to their origin, so one origin is one source.
    expect(src('video/new_clip.mp4')).toBe('github somewhere');
  });

  it('separates voices: no eval voice is a train voice, by language voice and variant', () => {
    const train = voicesFor('train');
    const evalVoices = voicesFor('eval');
    for (const engine of ['espeak-ng', 'flite'] as const) {
      expect(evalVoices[engine].length).toBeGreaterThan(0);
      expect(train[engine].filter((v) => evalVoices[engine].includes(v))).toEqual([]);
      for (const v of train[engine]) expect(useOfVoice(engine, v)).toBe('train');
      for (const v of evalVoices[engine]) expect(useOfVoice(engine, v)).toBe('eval');
    }
    const trainLanguages = new Set(train['espeak-ng'].map((v) => v.split('+')[0]));
    const trainVariants = new Set(train['espeak-ng'].map((v) => v.split('+')[1] ?? ''));
    for (const v of evalVoices['espeak-ng']) {
      expect(trainLanguages.has(v.split('+')[0])).toBe(false);
      expect(trainVariants.has(v.split('+')[1] ?? '')).toBe(false);
    }
    expect(voicesFor().flite).toEqual([...train.flite, ...evalVoices.flite].sort());
  });
});

describe('pool manifest', () => {
  const entries: PoolEntry[] = [
    {
      path: 'video/sintel.mp4',
      kind: 'video',
      duration: 26.2,
      source: 'film:sintel',
      license: 'CC-BY-3.0',
      use: 'eval',
      origin: 'github x',
    },
    {
      path: 'fonts/lato/Lato-Bold.ttf',
      kind: 'font',
      duration: 0,
      source: 'font:lato',
      license: 'OFL-1.1\t(tabs cleaned)',
      use: 'eval',
      origin: 'deb fonts-lato',
    },
  ];

  it('round-trips, sorted by path, with tabs in values cleaned', () => {
    const text = formatPoolManifest(entries);
    expect(text.split('\n')[0]).toBe('path\tkind\tduration_s\tsource\tlicense\tuse\torigin');
    const back = parsePoolManifest(text);
    expect(back.map((e) => e.path)).toEqual(['fonts/lato/Lato-Bold.ttf', 'video/sintel.mp4']);
    expect(back[0]?.license).toBe('OFL-1.1 (tabs cleaned)');
    expect(back[1]).toEqual(entries[0]);
  });

  it('reads columns by name and refuses an unknown use, naming the line', () => {
    expect(parsePoolManifest('use\tpath\nTRAIN\tvideo/a.mp4\n'.toLowerCase())[0]).toMatchObject({
      path: 'video/a.mp4',
      kind: 'video',
      use: 'train',
    });
    expect(() => parsePoolManifest('path\tuse\nvideo/a.mp4\ttest\n')).toThrow(
      /line 2.*train or eval/,
    );
    expect(() => parsePoolManifest('path\tduration_s\nvideo/a.mp4\t3\n')).toThrow(/"use"/);
  });
});

describe('scanMediaPool with a pool manifest', () => {
  let root: string;
  const { ffmpeg, ffprobe } = locateFfmpeg();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'introdetect-pool-unit-'));
    for (const d of ['video', 'music', 'speech', 'fonts/lato'])
      await mkdir(join(root, d), { recursive: true });
    // Files the manifest lists need not be probed (their duration is in it): empty stand-ins.
    const listed: PoolEntry[] = [
      ['video/train.mp4', 'video', 40, 'film:big-buck-bunny', 'train'],
      ['video/eval.mp4', 'video', 26, 'film:sintel', 'eval'],
      ['music/t1.ogg', 'music', 200, 'deb:xmoto-data', 'train'],
      ['music/t2.ogg', 'music', 210, 'deb:xmoto-data', 'train'],
      ['music/e1.ogg', 'music', 100, 'deb:openclonk-data', 'eval'],
      ['music/e2.ogg', 'music', 120, 'deb:openclonk-data', 'eval'],
      ['speech/train.wav', 'speech', 5, 'speaker:ljspeech', 'train'],
      ['speech/eval.wav', 'speech', 6, 'speaker:jfk-inaugural', 'eval'],
      ['fonts/lato/Lato-Bold.ttf', 'font', 0, 'font:lato', 'eval'],
    ].map(([path, kind, duration, source, use]) => ({
      path: path as string,
      kind: kind as PoolEntry['kind'],
      duration: duration as number,
      source: source as string,
      license: 'x',
      use: use as PoolEntry['use'],
      origin: 'test',
    }));
    for (const e of listed) await writeFile(join(root, e.path), '');
    await writeFile(join(root, 'MANIFEST.tsv'), formatPoolManifest(listed));
    // A real clip the manifest does not list: probed, and train.
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=64x36:d=6',
      '-c:v',
      'libx264',
      '-y',
      join(root, 'video/unlisted.mp4'),
    ]);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('gives each file its manifest use, and an unlisted file train', async () => {
    const pool = await scanMediaPool(root, ffprobe);
    expect(pool.video.map((f) => [f.path, f.use])).toEqual([
      ['video/eval.mp4', 'eval'],
      ['video/train.mp4', 'train'],
      ['video/unlisted.mp4', 'train'],
    ]);
    expect(pool.video[2]?.duration).toBeCloseTo(6, 0);
    expect(pool.fonts).toEqual([{ path: 'fonts/lato/Lato-Bold.ttf', use: 'eval' }]);
    expect(pool.voices).toBeUndefined();
  });

  it('keeps only one use when asked, fonts and voices included', async () => {
    const pool = await scanMediaPool(root, ffprobe, { use: 'eval' });
    const all = [...pool.video, ...pool.music, ...pool.speech];
    expect(all.map((f) => f.path).sort()).toEqual([
      'music/e1.ogg',
      'music/e2.ogg',
      'speech/eval.wav',
      'video/eval.mp4',
    ]);
    expect(pool.fonts?.map((f) => f.use)).toEqual(['eval']);
    expect(pool.voices).toEqual(voicesFor('eval'));
    const train = await scanMediaPool(root, ffprobe, { use: 'train' });
    expect(train.fonts).toBeUndefined();
    expect(train.video.every((f) => f.use === 'train')).toBe(true);
  });

  it('ignores a MANIFEST without a use column (the shared media folder)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'introdetect-pool-unit-'));
    await writeFile(join(dir, 'MANIFEST.tsv'), 'path\tduration_s\tlicense\tsource\n');
    expect(await readPoolManifest(dir)).toBeUndefined();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('pool recipes and footage', () => {
  const recipe = (id: string) => DEB_RECIPES.find((r) => r.id === id)!;

  it('takes one landscape image per Plasma wallpaper, at least 1920 wide when there is one', () => {
    const base = 'usr/share/wallpapers';
    const picks = recipe('plasma').pick([
      { path: `${base}/Altai/contents/images/1080x1920.png`, size: 1e6 },
      { path: `${base}/Altai/contents/images/5120x2880.png`, size: 4e6 },
      { path: `${base}/Altai/contents/images/1920x1080.png`, size: 2e6 },
      { path: `${base}/Kite/contents/images/1280x800.jpg`, size: 3e5 },
      { path: `${base}/Tall/contents/images/720x1440.jpg`, size: 3e5 },
    ]);
    expect(picks.map((p) => [p.name, p.file.path.split('/').pop()]).sort()).toEqual([
      ['Altai', '1920x1080.png'],
      ['Kite', '1280x800.jpg'],
    ]);
  });

  it('takes only music from a game package, and a few cuts of a font family', () => {
    const files = [
      'usr/share/games/xmoto/Textures/Musics/menu.ogg',
      'usr/share/games/xmoto/Textures/Fonts/DejaVuSans.ttf',
    ].map((path) => ({ path, size: 1e6 }));
    expect(
      recipe('xmoto')
        .pick(files)
        .map((p) => p.name),
    ).toEqual(['menu']);
    const lato = ['Lato-Bold.ttf', 'Lato-BoldItalic.ttf', 'Lato-Hairline.ttf', 'Lato-Regular.ttf'];
    const picked = recipe('lato').pick(
      lato.map((n) => ({ path: `usr/share/fonts/truetype/lato/${n}`, size: 1 })),
    );
    expect(picked.map((p) => p.name)).toEqual(['Lato-Bold', 'Lato-Regular']);
  });

  it('cuts photo clips of fixed length and motion, different for consecutive clips', () => {
    const a = photoClip('plasma/Altai', 0);
    expect(photoClip('plasma/Altai', 0)).toEqual(a);
    expect(photoClip('plasma/Altai', 1).motion).not.toBe(a.motion);
    expect(a.seconds).toBeGreaterThanOrEqual(10);
    expect(a.seconds).toBeLessThanOrEqual(20);
    expect(zoompanFilter(a)).toContain(`d=${a.seconds * 25}:s=640x360`);
  });

  it('draws a pool font that fits the style, else a near one, else none', () => {
    const fonts = [
      { path: 'fonts/lato/Lato-Bold.ttf', use: 'eval' as const },
      { path: 'fonts/lato/Lato-Regular.ttf', use: 'eval' as const },
      { path: 'fonts/noto-serif/NotoSerif-Bold.ttf', use: 'eval' as const },
    ];
    expect(poolFontFor(new Rng(1), fonts, 'serif-bold')).toBe(
      'fonts/noto-serif/NotoSerif-Bold.ttf',
    );
    expect(poolFontFor(new Rng(1), fonts, 'sans-condensed')).toBe('fonts/lato/Lato-Regular.ttf');
    expect(poolFontFor(new Rng(1), [], 'mono')).toBeUndefined();
  });
});
