/**
 * Makes docs/review-page.png, the screenshot of the review page in the README, the way the
 * browser test sees the page: `introdetect serve`'s server (createServer) on a loopback port,
 * headless Chromium from Debian's package through playwright-core (test/helpers/server.ts).
 *
 * The season shown is generated here from ffmpeg's lavfi test sources (nothing media-derived
 * is committed): three episodes of one made-up show, each a different cold open, the same
 * 15-s intro (testsrc2 and a rising tone), a different body and the same closing card. It is
 * detected by a season job with the shipped fused model, then one episode gets a correction,
 * so the picture shows detection, repeated stretches and a correction together.
 *
 *   npx tsx scripts/screenshot-review.ts [OUT.png]
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { createServer } from '../src/serve/createServer.js';
import { concatClip, type ClipPart } from '../test/helpers/clips.js';
import { launchChromium } from '../test/helpers/server.js';

const OUT = resolve(process.argv[2] ?? 'docs/review-page.png');
const SEASON = 'Northbound/Season 1';

type Part = ClipPart;
const INTRO: Part = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 15];
const CLOSING: Part = ['smptebars', "aevalsrc='0.2*sin(2*PI*660*t)*sin(PI*t)'", 12];
const EPISODES: Record<string, Part[]> = {
  'S01E01.mp4': [
    ['mandelbrot', 'anoisesrc=c=pink:a=0.2', 9],
    INTRO,
    ['rgbtestsrc', "aevalsrc='0.2*sin(2*PI*330*t)'", 50],
    CLOSING,
  ],
  'S01E02.mp4': [
    ['life=mold=10:ratio=0.3:seed=7', 'anoisesrc=c=brown:a=0.3', 14],
    INTRO,
    ['cellauto=rule=110', "aevalsrc='0.2*sin(2*PI*550*t)'", 46],
    CLOSING,
  ],
  'S01E03.mp4': [
    ['yuvtestsrc', 'anoisesrc=c=white:a=0.1', 5],
    INTRO,
    ['smptehdbars', "aevalsrc='0.2*sin(2*PI*250*t)'", 55],
    CLOSING,
  ],
};

/** Renders the parts one after another into `out` (H.264 + AAC, 320×180, 25 fps). */
function render(out: string, parts: Part[]): void {
  mkdirSync(dirname(out), { recursive: true });
  concatClip(out, parts, { size: '320x180', preset: 'veryfast' });
}

interface Job {
  id: string;
  state: string;
  error: string | null;
}

const work = mkdtempSync(join(tmpdir(), 'introdetect-screenshot-'));
try {
  const library = join(work, 'library');
  for (const [name, parts] of Object.entries(EPISODES)) render(join(library, SEASON, name), parts);
  const server = await createServer({ root: library });
  try {
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    let job = await call<Job>('POST', '/api/seasons/detect', { dir: SEASON });
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 500));
      job = await call<Job>('GET', `/api/jobs/${job.id}`);
    }
    if (job.state !== 'done') throw new Error(`season job ${job.state}: ${job.error}`);
    // A reviewer's correction on the second episode: its intro as generated (14–29 s).
    await call('PUT', '/api/corrections', {
      key: `${SEASON}/S01E02.mp4`,
      intro: { start: 14, end: 29 },
    });

    const browser = await launchChromium({ viewport: { width: 1100, height: 1000 } });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/?season=${encodeURIComponent(SEASON)}`);
      const cards = page.locator('section.episode');
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as {
              document: { querySelectorAll(s: string): ArrayLike<unknown> };
            }
          ).document.querySelectorAll('section.episode canvas.timeline').length === 3,
        undefined,
        { timeout: 30_000 },
      );
      // The thumbnails in view are made by ffmpeg on demand: wait until nothing is loading.
      await page.waitForLoadState('networkidle', { timeout: 60_000 });
      if ((await cards.count()) !== 3) throw new Error('the page does not show 3 episodes');
      const png = await page.screenshot({ fullPage: false });
      // A 256-colour palette keeps the picture small (the page is flat colours and lines).
      const small = await sharp(png).png({ palette: true, colours: 256, effort: 10 }).toBuffer();
      mkdirSync(dirname(OUT), { recursive: true });
      writeFileSync(OUT, small);
      process.stdout.write(`${OUT}: ${Math.round(statSync(OUT).size / 1024)} KB\n`);
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
