import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import { scanMediaPool } from '../../src/corpus/mediaPool.js';
import { buildPool, type BuildPoolResult } from '../../src/corpus/pool/buildPool.js';
import { parsePoolManifest } from '../../src/corpus/pool/manifest.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

const { ffmpeg, ffprobe } = locateFfmpeg();
const hasDpkg = ((): boolean => {
  try {
    execFileSync('dpkg-deb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Every pool path a plan names (shots, themes, music beds, recorded speech). */
function mediaPaths(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string' && /^(video|music|speech)\//.test(value)) found.add(value);
  else if (Array.isArray(value)) for (const v of value) mediaPaths(v, found);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) mediaPaths(v, found);
  return found;
}

/**
 * A stand-in Debian package (built with dpkg-deb, no network): `files` maps paths inside the
 * package to files to copy in, plus a machine-readable debian/copyright.
 */
async function fakeDeb(dir: string, name: string, files: Record<string, string>): Promise<void> {
  const root = join(dir, `${name}-tree`);
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  await writeFile(
    join(root, 'DEBIAN/control'),
    `Package: ${name}\nVersion: 9.9-test\nArchitecture: all\nMaintainer: test <t@example.org>\nDescription: stand-in\n`,
  );
  const doc = join(root, 'usr/share/doc', name);
  await mkdir(doc, { recursive: true });
  await writeFile(
    join(doc, 'copyright'),
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: someone\nLicense: GPL-2+\n',
  );
  for (const [inside, from] of Object.entries(files)) {
    await mkdir(join(root, inside, '..'), { recursive: true });
    execFileSync('cp', [from, join(root, inside)]);
  }
  execFileSync(
    'dpkg-deb',
    ['--build', '--root-owner-group', root, join(dir, `${name}_9.9-test_all.deb`)],
    {
      stdio: 'ignore',
    },
  );
  await rm(root, { recursive: true, force: true });
}

describe.skipIf(!existsSync(join(SHARED_MEDIA, 'MANIFEST.tsv')))('introdetect pool', () => {
  let dir: string;
  let out: string;
  let first: BuildPoolResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'introdetect-pool-'));
    out = join(dir, 'pool');
    first = await buildPool({ out, media: SHARED_MEDIA, packages: [], log: () => {} });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists every shared file with its source, license and one use per source', async () => {
    const rows = parsePoolManifest(await readFile(join(out, 'MANIFEST.tsv'), 'utf8'));
    expect(rows).toEqual([...first.entries].sort((a, b) => (a.path < b.path ? -1 : 1)));
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) {
      expect(existsSync(join(out, r.path)), r.path).toBe(true);
      expect(r.license).not.toBe('');
    }
    const useOf = new Map<string, string>();
    for (const r of rows) {
      expect(useOf.get(r.source) ?? r.use, r.source).toBe(r.use);
      useOf.set(r.source, r.use);
    }
    for (const kind of ['video', 'music', 'speech'])
      for (const use of ['train', 'eval'])
        expect(
          rows.some((r) => r.kind === kind && r.use === use),
          `${kind} ${use}`,
        ).toBe(true);
  });

  it('plans an eval corpus from eval files only', async () => {
    const rows = parsePoolManifest(await readFile(join(out, 'MANIFEST.tsv'), 'utf8'));
    const evalPaths = new Set(rows.filter((r) => r.use === 'eval').map((r) => r.path));
    const pool = await scanMediaPool(out, ffprobe, { use: 'eval' });
    const options = {
      seed: 3,
      series: 3,
      episodes: 2,
      minMinutes: 1,
      maxMinutes: 2,
      maxWidth: 640,
      use: 'eval' as const,
    };
    const used = mediaPaths(planCorpus(pool, options));
    expect(used.size).toBeGreaterThan(3);
    for (const p of used) expect(evalPaths.has(p), p).toBe(true);
    const trainUsed = mediaPaths(
      planCorpus(await scanMediaPool(out, ffprobe, { use: 'train' }), options),
    );
    for (const p of trainUsed) expect(evalPaths.has(p), p).toBe(false);
  });

  it.skipIf(!hasDpkg)(
    'takes music and photo footage from .deb files already downloaded, and resumes without redoing them',
    async () => {
      const debs = join(dir, 'debs');
      await mkdir(debs, { recursive: true });
      const tune = join(dir, 'tune.ogg');
      const photo = join(dir, 'photo.png');
      execFileSync(ffmpeg, [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=f=330:d=35',
        '-c:a',
        'libvorbis',
        '-y',
        tune,
      ]);
      execFileSync(ffmpeg, [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=1200x800',
        '-frames:v',
        '1',
        '-y',
        photo,
      ]);
      await fakeDeb(debs, 'xmoto-data', { 'usr/share/games/xmoto/Textures/Musics/tune.ogg': tune });
      await fakeDeb(debs, 'gnome-backgrounds', { 'usr/share/backgrounds/gnome/field.png': photo });
      const packages = ['xmoto-data', 'gnome-backgrounds'];
      const run = () =>
        buildPool({
          out,
          media: SHARED_MEDIA,
          packages,
          debs,
          offline: true,
          jobs: 2,
          log: () => {},
        });
      const built = await run();
      expect(built.built.sort()).toEqual(['gnome', 'xmoto']);
      const rows = parsePoolManifest(await readFile(join(out, 'MANIFEST.tsv'), 'utf8'));
      const music = rows.find((r) => r.path === 'music/xmoto_tune.ogg');
      expect(music).toMatchObject({ kind: 'music', source: 'deb:xmoto-data', use: 'train' });
      expect(music?.license).toMatch(/^GPL-2\+ \(debian\/copyright of xmoto-data/);
      expect(music?.duration).toBeCloseTo(35, 0);
      const clips = rows.filter((r) => r.source === 'deb:gnome-backgrounds');
      expect(clips.map((r) => r.path)).toEqual([
        'video/gnome_field_1.mp4',
        'video/gnome_field_2.mp4',
      ]);
      const probed = execFileSync(ffprobe, [
        '-v',
        'error',
        '-show_entries',
        'stream=width,height:format=duration',
        '-of',
        'csv=p=0',
        join(out, clips[0]!.path),
      ]).toString();
      expect(probed).toContain('640,360');
      expect(Number.parseFloat(probed.trim().split('\n').pop()!)).toBeCloseTo(
        clips[0]!.duration,
        0,
      );
      expect(existsSync(join(out, '.unpacked'))).toBe(true);
      expect(existsSync(join(out, '.unpacked', 'gnome'))).toBe(false);

      const again = await run();
      expect(again.built).toEqual([]);
      expect(again.skipped.sort()).toEqual(['gnome', 'xmoto']);
      expect(again.entries).toEqual(built.entries);
    },
  );

  it('refuses a missing .deb when offline, saying how to get it', async () => {
    await expect(
      buildPool({
        out,
        packages: ['fonts-lato'],
        debs: join(dir, 'empty'),
        offline: true,
        log: () => {},
      }),
    ).rejects.toThrow(/No fonts-lato_\*\.deb .*apt-get download fonts-lato/);
  });
});
