import { dirname, resolve } from 'node:path';
import type { DetectProgress, Passes } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import type { ModelChoice } from '../fusion/modelChoice.js';
import { detectSeries } from '../series/detectSeries.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { correctionsPathOf, CorrectionStore } from './corrections.js';
import { finishEpisode, type LibraryLocation } from './episodeOutput.js';
import { classifyFailure, describeError } from './failurePolicy.js';
import { sameSignature, statSignature, type FileSignature } from './fileSignature.js';
import { DEFAULT_OUTPUT, type OutputSettings } from './outputSettings.js';
import { commitStaged, stageResults, uniqueResultBase } from './resultFiles.js';
import { acquireStateLock } from './stateLock.js';
import { StateStore, type FileRecord } from './stateStore.js';

export interface SeasonProgress {
  filesDone: number;
  filesTotal: number;
  /** The file being detected and how far it is (seconds decoded of seconds to decode). */
  current: { key: string; seconds: number; total: number } | null;
}

export interface DetectSeasonOptions extends LocateFfmpegOptions, ModelChoice {
  /** Decoding passes per file (default DEFAULT_PASSES, 1; see Passes). */
  passes?: Passes;
  /**
   * What to write per episode; default: what the watcher recorded in the state file (its
   * `--format`, `--sidecar-formats`, `--edl-action`, `--mkv-chapters`), else json results
   * only. Given, it is recorded there in turn.
   */
  output?: OutputSettings;
  signal?: AbortSignal;
  onProgress?: (progress: SeasonProgress) => void;
}

export interface SeasonFileOutcome {
  key: string;
  status: 'done' | 'failed';
  error: string | null;
}

/** `…/ep1.intro.json` → the result base `…/ep1` the watcher wrote this file's results under. */
function previousBase(record: FileRecord | undefined): string | undefined {
  const json = record?.results.find((r) => r.endsWith('.intro.json'));
  return json?.slice(0, -'.intro.json'.length);
}

/**
 * Detects (or re-detects) the episodes `keys` of one season with the series step
 * (`detectSeries`) and records them as `watch` does, through the same writer
 * (`finishEpisode`): a corrected episode keeps its correction, sidecars are written as the
 * library's settings say, results are staged and renamed into place (`<name>.intro.json`…),
 * and the watcher's state file is updated under its lock, so a watcher started later treats
 * them as done and the API reads them from the same place. Results go next to each file, or
 * where the state file lives when that is outside the library (`watch --out`).
 */
export async function detectSeason(
  library: LibraryLocation,
  keys: readonly string[],
  options: DetectSeasonOptions = {},
): Promise<SeasonFileOutcome[]> {
  const { onProgress, signal, output, ...choice } = options;
  const root = resolve(library.root);
  const stateDir = dirname(resolve(library.statePath));
  const layout = { root, outDir: stateDir === root ? undefined : stateDir };
  const corrections = new CorrectionStore(correctionsPathOf(resolve(library.statePath)));
  const lock = await acquireStateLock(library.statePath);
  const outcomes: SeasonFileOutcome[] = [];
  try {
    const state = await StateStore.open(library.statePath, root);
    if (output !== undefined) state.output = output;
    const settings = output ?? state.output ?? DEFAULT_OUTPUT;
    try {
      const files = keys.map((k) => resolve(root, k));
      // The versions detected: a file changed meanwhile is recorded as that older version,
      // so the watcher picks the new one up.
      const versions = await Promise.all(files.map((f) => statSignature(f)));
      const progress: SeasonProgress = { filesDone: 0, filesTotal: keys.length, current: null };
      onProgress?.(progress);
      const record = async (index: number, result: DetectionResult | undefined, err?: unknown) => {
        const key = keys[index]!;
        const file = files[index]!;
        let signature: FileSignature | undefined = versions[index];
        const now = new Date().toISOString();
        const common = {
          attempts: 1,
          staged: [],
          updatedAt: now,
        };
        const version = (s: FileSignature | undefined) => ({
          size: s?.size ?? '0',
          mtimeNs: s?.mtimeNs ?? '0',
          ino: s?.ino ?? '0',
        });
        if (result) {
          const { output: contents } = await finishEpisode(file, result, {
            settings,
            corrections,
            key,
            onWarning: choice.onWarning,
            signal,
            ffmpegPath: choice.ffmpegPath,
            context: {
              inputEdited: (before, after) => {
                if (signature && sameSignature(before, signature)) signature = after;
              },
            },
          });
          const base =
            previousBase(state.get(key)) ??
            uniqueResultBase(
              layout,
              key,
              [...state.entries()].map(([k]) => k),
            );
          const staged = await stageResults(contents, base);
          const committing: FileRecord = {
            ...common,
            ...version(signature),
            status: 'committing',
            lastError: null,
            errorCode: null,
            permanent: false,
            nextAttemptAt: null,
            results: [],
            staged,
            elapsedMs: null,
          };
          state.set(key, committing);
          await state.save();
          await commitStaged(staged);
          state.set(key, {
            ...committing,
            status: 'done',
            results: staged.map((s) => s.to),
            staged: [],
          });
          outcomes[index] = { key, status: 'done', error: null };
        } else {
          const { message, code } = describeError(err);
          state.set(key, {
            ...common,
            ...version(signature),
            status: 'failed',
            lastError: message,
            errorCode: code,
            permanent: classifyFailure(err) === 'permanent',
            nextAttemptAt: null,
            results: [],
            elapsedMs: null,
          });
          outcomes[index] = { key, status: 'failed', error: message };
        }
        await state.save();
        progress.filesDone++;
        progress.current = null;
        onProgress?.(progress);
      };
      // Outcomes come in file order; writing them one after another keeps the state consistent.
      let chain = Promise.resolve();
      await detectSeries(files, {
        ...choice,
        ...(signal ? { signal } : {}),
        onProgress: (index: number, p: DetectProgress) => {
          progress.current = { key: keys[index]!, seconds: p.seconds, total: p.total };
          onProgress?.(progress);
        },
        onOutcome: (outcome, index) => {
          chain = chain.then(() => record(index, outcome.result, outcome.error));
          chain.catch(() => undefined); // rethrown by `await chain` below
        },
      });
      await chain;
    } finally {
      await state.dispose();
    }
  } finally {
    await lock.release();
  }
  return outcomes;
}
