import { dirname, resolve } from 'node:path';
import type { DetectProgress } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../fusion/formats/index.js';
import type { ModelChoice } from '../fusion/modelChoice.js';
import { detectSeries } from '../series/detectSeries.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { classifyFailure, describeError } from '../watch/failurePolicy.js';
import { statSignature } from '../watch/fileSignature.js';
import { commitStaged, stageResults, uniqueResultBase } from '../watch/resultFiles.js';
import { acquireStateLock } from '../watch/stateLock.js';
import { StateStore, type FileRecord } from '../watch/stateStore.js';
import type { LibraryStore } from './libraryIndex.js';

export interface SeasonProgress {
  filesDone: number;
  filesTotal: number;
  /** The file being detected and how far it is (seconds decoded of seconds to decode). */
  current: { key: string; seconds: number; total: number } | null;
}

export interface DetectSeasonOptions extends LocateFfmpegOptions, ModelChoice {
  signal?: AbortSignal;
  onProgress?: (progress: SeasonProgress) => void;
}

export interface SeasonFileOutcome {
  key: string;
  status: 'done' | 'failed';
  error: string | null;
}

/** `…/ep1.intro.json` → the result base `…/ep1` and the formats the watcher wrote there. */
function previousResults(record: FileRecord | undefined): {
  base: string | undefined;
  formats: OutputFormat[];
} {
  const json = record?.results.find((r) => r.endsWith('.intro.json'));
  if (!record || !json) return { base: undefined, formats: ['json'] };
  const base = json.slice(0, -'.intro.json'.length);
  const formats = (Object.keys(OUTPUT_FORMATS) as OutputFormat[]).filter((f) =>
    record.results.includes(`${base}.intro${OUTPUT_FORMATS[f].extension}`),
  );
  return { base, formats };
}

/**
 * Detects (or re-detects) the episodes `keys` of one season with the series step
 * (`detectSeries`) and records them as `watch` does: results staged and renamed into place
 * (`<name>.intro.json`, plus the other formats the watcher wrote for that file), and the
 * watcher's state file updated under its lock, so a watcher started later treats them as
 * done and the API reads them from the same place. Results go next to each file, or where
 * the state file lives when that is outside the library (`watch --out`).
 */
export async function detectSeason(
  store: LibraryStore,
  keys: readonly string[],
  options: DetectSeasonOptions = {},
): Promise<SeasonFileOutcome[]> {
  const { onProgress, signal, ...choice } = options;
  const root = resolve(store.root);
  const stateDir = dirname(resolve(store.statePath));
  const layout = { root, outDir: stateDir === root ? undefined : stateDir };
  const lock = await acquireStateLock(store.statePath);
  const outcomes: SeasonFileOutcome[] = [];
  try {
    const state = await StateStore.open(store.statePath, root);
    try {
      const files = keys.map((k) => resolve(root, k));
      const progress: SeasonProgress = { filesDone: 0, filesTotal: keys.length, current: null };
      onProgress?.(progress);
      const record = async (index: number, result: DetectionResult | undefined, err?: unknown) => {
        const key = keys[index]!;
        const signature = await statSignature(files[index]!);
        const before = state.get(key);
        const now = new Date().toISOString();
        const common = {
          size: signature?.size ?? '0',
          mtimeNs: signature?.mtimeNs ?? '0',
          ino: signature?.ino ?? '0',
          attempts: 1,
          staged: [],
          updatedAt: now,
        };
        if (result) {
          const previous = previousResults(before);
          const base =
            previous.base ??
            uniqueResultBase(
              layout,
              key,
              [...state.entries()].map(([k]) => k),
            );
          const output = Object.fromEntries(
            previous.formats.map((f) => [
              `intro${OUTPUT_FORMATS[f].extension}`,
              formatResult(result, f),
            ]),
          );
          const staged = await stageResults(output, base);
          const committing: FileRecord = {
            ...common,
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
