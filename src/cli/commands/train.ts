import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  InvalidArgumentError,
  TrainingFailedError,
  TrainingUnavailableError,
} from '../../errors.js';
import { defaultMediaDir, featurizeLabelled } from '../../features/featurizeLabelled.js';
import { writeLabelsJson } from '../../labels/writeLabelsJson.js';
import { readLabels } from '../../labels/readLabels.js';
import { decodeOptionsFrom } from '../options.js';

/** The package root (training/ lives there), from dist/cli/commands or src/cli/commands. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a training script (`args[0]`), its output on ours; a failure is a TrainingFailedError. */
async function runScript(args: string[]): Promise<void> {
  const r = await execa(python(), args, { stdio: 'inherit', cwd: ROOT, reject: false });
  if (r.failed) {
    throw new TrainingFailedError(relative(ROOT, args[0]!), r.exitCode, { cause: r });
  }
}

/** Debian's python3-torch lives under /usr/bin/python3; INTRODETECT_PYTHON overrides. */
function python(): string {
  if (process.env.INTRODETECT_PYTHON) return process.env.INTRODETECT_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** The Python files `train` runs (shipped in the package's "files"; model.py, data.py imported). */
const SCRIPTS = ['train.py', 'export_onnx.py', 'model.py', 'data.py'];

/** How to get a Python with PyTorch; said by every missing-Python/module error. */
const GET_TORCH =
  'Install PyTorch and NumPy (Debian/Ubuntu: `apt-get install python3-torch`, used from /usr/bin/python3), or set INTRODETECT_PYTHON to a python that has them.';

/**
 * Fails with a TrainingUnavailableError, before any work, when something `train` runs is
 * missing: the training scripts under `root`/training, the python, or torch/numpy in it.
 */
async function checkTrainingRuntime(root: string, py: string): Promise<void> {
  const dir = join(root, 'training');
  const absent = SCRIPTS.filter((f) => !existsSync(join(dir, f)));
  if (absent.length > 0)
    throw new TrainingUnavailableError(
      'scripts',
      `Training needs its Python scripts, and ${absent.map((f) => `training/${f}`).join(', ')} ${absent.length === 1 ? 'is' : 'are'} missing from ${dir}. Reinstall the introdetect package, or clone the introdetect repository and run train from the clone (npm ci, then npx introdetect train …).`,
    );
  const r = await execa(py, ['-c', 'import torch, numpy'], { reject: false, stdin: 'ignore' });
  if (r.failed && r.exitCode === undefined)
    throw new TrainingUnavailableError(
      'python',
      `Training runs PyTorch with ${py}, which could not be started (${r.code ?? r.shortMessage}). ${GET_TORCH}`,
      { cause: r },
    );
  if (r.exitCode !== 0) {
    const module = /No module named '([^']+)'/.exec(r.stderr)?.[1];
    const last = r.stderr.trim().split('\n').at(-1) || `exit status ${r.exitCode}`;
    throw new TrainingUnavailableError(
      'module',
      `Training runs PyTorch with ${py}, which cannot import ${module ?? 'torch and numpy'} (${last}). ${GET_TORCH}`,
      { cause: r, stderr: r.stderr },
    );
  }
}

interface TrainOpts {
  labels: string;
  media?: string;
  mode: string;
  work: string;
  out?: string;
  epochs?: string;
  set: string[];
  resume: boolean;
  init?: string;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'Train the models on your own labelled episodes: features → PyTorch training → ONNX export.',
    )
    .requiredOption('--labels <file>', "labels.json (the seeds' format or ours) or labels.csv")
    .option('--media <dir>', "folder the episodes are in (default: the labels file's folder)")
    .option('--mode <mode>', 'fused, vision, or both', 'both')
    .option(
      '--work <dir>',
      'working folder for feature dumps and checkpoints (resumable)',
      '.cache/train',
    )
    .option('--out <dir>', 'where the exported models go (default: <work>/models/<mode>)')
    .option('--epochs <n>', 'training epochs')
    .option(
      '--set <key=value>',
      'any training option (training/train.py TrainConfig/ModelConfig), repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--resume', 'continue an interrupted training run', false)
    .option(
      '--init <ckpt>',
      "fine-tune: start from this checkpoint's weights and configs (best.pt of an earlier run; one --mode), with a fresh optimizer and schedule",
    )
    .action(async (opts: TrainOpts, cmd: Command) => {
      const modes = opts.mode === 'both' ? ['vision', 'fused'] : [opts.mode];
      if (modes.some((m) => m !== 'vision' && m !== 'fused'))
        throw new InvalidArgumentError(`--mode must be fused, vision or both (got ${opts.mode}).`);
      if (opts.init !== undefined && modes.length !== 1)
        throw new InvalidArgumentError(
          '--init fine-tunes one checkpoint: give --mode fused or --mode vision (the mode it was trained in).',
        );
      if (opts.init !== undefined && !existsSync(opts.init))
        throw new InvalidArgumentError(
          `--init ${opts.init}: no such checkpoint (best.pt or ckpt.pt in a training run's folder, e.g. <work>/runs/fused/best.pt).`,
        );
      const { labels, warnings } = await readLabels(opts.labels);
      for (const w of warnings) process.stderr.write(`labels: ${w}\n`);
      await checkTrainingRuntime(ROOT, python());
      const media = opts.media ?? defaultMediaDir(opts.labels);
      const work = resolve(opts.work);
      const dumps = join(work, 'features');

      const { done, failed } = await featurizeLabelled(labels, {
        ...decodeOptionsFrom(cmd),
        mediaDir: media,
        outDir: dumps,
        audio: modes.includes('fused'),
        onEpisode: (e) =>
          process.stderr.write(
            `features [${e.index + 1}/${e.total}] ${e.id}: ${e.error ? `failed: ${e.error.message}` : e.skipped ? 'already done' : `${e.seconds} s`}\n`,
          ),
      });
      if (done.length === 0)
        throw new InvalidArgumentError(
          `No episode could be featurised (${failed.length} failed); check --media.`,
        );
      // Training reads our labels.json format (with the seeds' faults already repaired).
      const normalised = join(work, 'labels.json');
      await writeFile(normalised, writeLabelsJson(labels));

      for (const mode of modes) {
        const run = join(work, 'runs', mode);
        const out = resolve(
          opts.out && modes.length === 1 ? opts.out : join(opts.out ?? join(work, 'models'), mode),
        );
        const args = [
          join(ROOT, 'training/train.py'),
          `--mode=${mode}`,
          `--labels=${normalised}`,
          `--dumps=${dumps}`,
          `--out=${run}`,
        ];
        if (opts.epochs) args.push(`--epochs=${opts.epochs}`);
        for (const kv of opts.set) args.push(`--${kv}`);
        if (opts.resume) args.push('--resume');
        if (opts.init !== undefined) args.push(`--init=${resolve(opts.init)}`);
        process.stderr.write(`train: ${mode} → ${run}\n`);
        await runScript(args);
        await runScript([
          join(ROOT, 'training/export_onnx.py'),
          `--ckpt=${join(run, 'best.pt')}`,
          `--out=${out}`,
        ]);
        process.stdout.write(`${mode} model → ${out}\n`);
      }
    });
}
