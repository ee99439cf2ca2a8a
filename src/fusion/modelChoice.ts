import { EpisodeModel } from './episodeModel.js';
import { defaultModelDir, type Mode } from './modelConfig.js';
import type { Provider } from './onnxBackend.js';

/** Which model a detection runs with: shared by `detectEpisode` and `detectStream`. */
export interface ModelChoice {
  /** Default `fused`, or what `modelDir`'s model.json says when only modelDir is given. */
  mode?: Mode;
  /** Model folder (default: `models/<mode>/` in the package). */
  modelDir?: string;
  provider?: Provider;
  intraOpThreads?: number;
  /** An already loaded model (several inputs, one worker); the caller then keeps ownership. */
  model?: EpisodeModel;
  onWarning?: (message: string) => void;
}

/**
 * The chosen model: `choice.model` as is (`owned: false`), or one loaded from its folder that
 * the caller must dispose (`owned: true`).
 */
export async function modelFor(
  choice: ModelChoice,
  signal?: AbortSignal,
): Promise<{ model: EpisodeModel; owned: boolean }> {
  if (choice.model) return { model: choice.model, owned: false };
  const model = await EpisodeModel.load(
    choice.modelDir ?? defaultModelDir(choice.mode ?? 'fused'),
    {
      ...(choice.mode ? { mode: choice.mode } : {}),
      ...(choice.provider ? { provider: choice.provider } : {}),
      ...(choice.intraOpThreads ? { intraOpThreads: choice.intraOpThreads } : {}),
      ...(choice.onWarning ? { onWarning: choice.onWarning } : {}),
      ...(signal ? { signal } : {}),
    },
  );
  return { model, owned: true };
}
