/**
 * Credits in pieces around a mid-credits scene: re-decides the credits of saved predictions
 * (`compare --pred-dir` JSON, which keeps the per-second probabilities) with each
 * `decision.credits.pieceGap` given, and prints eval's credits row and mid-credits share for
 * each, side by side. Used to choose `pieceGap` on a development set.
 *
 *   npx tsx scripts/credits-pieces.ts --labels L --pred DIR [--gaps 0,20,40,60] [--min-piece 5]
 *                                     [--models models/fused]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decidePieces } from '../src/fusion/decide.js';
import type { DetectionResult } from '../src/fusion/detectionResult.js';
import { segmentsOfResult } from '../src/fusion/formats/segments.js';
import { loadModelConfig } from '../src/fusion/modelConfig.js';
import { runEval } from '../src/eval/runEval.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string): string => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
};
const labels = flag('labels');
const predDir = flag('pred');
const gaps = flag('gaps', '0,20,40,60').split(',').map(Number);
const minPiece = Number(flag('min-piece', '5'));
const modelsDir = flag('models', 'models/fused');
const config = loadModelConfig(modelsDir);
const base = config.decision.credits;

const preds = readdirSync(predDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(predDir, f), 'utf8')) as DetectionResult);
const out = mkdtempSync(join(tmpdir(), 'credits-pieces-'));
console.log(
  `# ${preds.length} predictions from ${predDir}; labels ${labels}; minPiece ${minPiece}`,
);
console.log('pieceGap\tcredits F1%\t±1s%\t±2s%\tpres P/R%\tmid-credits scene outside credits');
try {
  for (const gap of gaps) {
    const dir = join(out, `gap${gap}`);
    mkdirSync(dir);
    for (const p of preds) {
      const track = p.probabilities.credits;
      const hit = decidePieces(track.values, { ...base, pieceGap: gap, minPiece });
      const shift = (i: { start: number; end: number; confidence: number }) => ({
        start: i.start + track.from,
        end: i.end + track.from,
        confidence: i.confidence,
      });
      const credits = hit ? shift(hit.interval) : null;
      const others = segmentsOfResult(p).filter((s) => s.type !== 'credits');
      const pieces = hit ? hit.pieces.map((x) => ({ type: 'credits' as const, ...shift(x) })) : [];
      const next: DetectionResult = {
        ...p,
        credits,
        segments: [...others, ...pieces].sort((a, b) => a.start - b.start),
      };
      writeFileSync(join(dir, `${p.id}.json`), JSON.stringify(next));
    }
    const { report } = await runEval({ labels, pred: dir });
    const c = report.credits;
    const mid = report.midCredits;
    const pct = (x: number | null) => (x === null ? 'n/a' : (100 * x).toFixed(1));
    console.log(
      `${gap}\t${pct(c.perSecond.f1)}\t${pct(c.within1s.share)}\t${pct(c.within2s.share)}\t${pct(c.presence.precision)}/${pct(c.presence.recall)}\t${mid ? `${mid.hits} of ${mid.of}` : 'n/a'}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
