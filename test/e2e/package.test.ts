import { existsSync } from 'node:fs';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch, testClip } from '../helpers/clips.js';
import { cliRunOf, expectNoCrash, expectTypedError, type CliRun } from '../helpers/detectCli.js';
import { expectWellFormedDetection } from '../helpers/detectionSchema.js';

// The package as published (issue 18): `npm pack` of the built tree, installed from the
// tarball into an empty project, then used only through what the install put there —
// `npx introdetect …` and `import('introdetect')` — never through this checkout's files.
// A missing dist file, model or training script, or a wrong `bin`/`exports` path fails here.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const tmp = scratch('introdetect-package-');
const project = tmp.path('project');
const installed = join(project, 'node_modules', 'introdetect');
const clip = tmp.path('clip.mp4');
const SECONDS = 20;

/** The part of a model.json the detection schema needs: the fractions of the file searched. */
interface ModelSpans {
  decision: { intro: { span: number }; credits: { span: number } };
}

/**
 * The environment of every child: npm's own variables (set when the tests run under
 * `npm test`, naming this checkout) and node_modules/.bin folders are left out, so npm and npx
 * see only the temp project; onnxruntime-node's install script skips its CUDA download.
 */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  }
  env.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(delimiter);
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', INTRODETECT_DEBUG: '', ...extra };
}

/** `npx --no -- introdetect ARGS` in the temp project (`--no`: never install it from the registry). */
async function npx(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = performance.now();
  const r = await execa('npx', ['--no', '--', 'introdetect', ...args], {
    cwd: project,
    env: cleanEnv(env),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 300_000,
    forceKillAfterDelay: 2000,
  });
  return cliRunOf(r, started);
}

let packed: string[] = [];

beforeAll(async () => {
  expect(
    existsSync(join(REPO, 'dist/cli/main.js')),
    'dist/ is missing: build first (npm test builds)',
  ).toBe(true);
  let t = performance.now();
  // The build `npm test` made, as is (--ignore-scripts: `prepare` would rebuild dist/ under
  // the other test files' feet).
  const pack = await execa(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.dir],
    { cwd: REPO, env: cleanEnv(), extendEnv: false },
  );
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((f) => f.path);
  const packSeconds = (performance.now() - t) / 1000;

  await execa('mkdir', [project]);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'introdetect-consumer', version: '1.0.0', private: true }),
  );
  t = performance.now();
  // --prefer-offline: the dependencies come from the npm cache this checkout's install filled.
  await execa(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp.dir, info.filename)],
    { cwd: project, env: cleanEnv(), extendEnv: false },
  );
  const installSeconds = (performance.now() - t) / 1000;
  process.stderr.write(
    `package test: npm pack ${packSeconds.toFixed(1)} s, npm install ${installSeconds.toFixed(1)} s\n`,
  );
  testClip(clip, SECONDS);
}, 600_000);

afterAll(() => tmp.cleanup());

describe('the packed tarball', () => {
  it('holds the CLI, the library and its types, the shipped models and the training scripts; no sources or tests', () => {
    for (const f of [
      'package.json',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'models/fused/model.json',
      'models/fused/vision-encoder.onnx',
      'models/fused/audio-encoder.onnx',
      'models/fused/sequence.onnx',
      'models/vision/model.json',
      'models/vision/vision-encoder.onnx',
      'models/vision/sequence.onnx',
      'training/train.py',
      'training/export_onnx.py',
      'training/model.py',
      'training/data.py',
    ])
      expect(packed, f).toContain(f);
    expect(packed.filter((f) => /^(src|test|bench|\.cache)\//.test(f))).toEqual([]);
  });
});

describe('installed from the tarball into an empty project', () => {
  it('npx introdetect --help lists the commands', async () => {
    const run = await npx(['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const command of ['detect', 'features', 'train', 'eval'])
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('npx introdetect detect CLIP prints one well-formed detection with the shipped models (fused and vision)', async () => {
    for (const mode of ['fused', 'vision'] as const) {
      const run = await npx(['detect', clip, ...(mode === 'vision' ? ['--mode', 'vision'] : [])]);
      expectNoCrash(run);
      expect(run.exitCode, run.stderr).toBe(0);
      const lines = run.stdout.split('\n').filter(Boolean);
      expect(lines, 'one JSON line').toHaveLength(1);
      const model = JSON.parse(
        await readFile(join(installed, 'models', mode, 'model.json'), 'utf8'),
      ) as ModelSpans;
      expectWellFormedDetection(JSON.parse(lines[0]!) as unknown, {
        file: clip,
        mode,
        spans: { intro: model.decision.intro.span, credits: model.decision.credits.span },
        seconds: SECONDS,
        exact: true,
      });
    }
  });

  it('import("introdetect") resolves to the installed package and exposes the library API', async () => {
    const script = [
      "const m = await import('introdetect');",
      "const url = import.meta.resolve('introdetect');",
      'console.log(JSON.stringify({ url, detectEpisode: typeof m.detectEpisode,',
      ' detectSeries: typeof m.detectSeries, secondSamples: typeof m.secondSamples }));',
    ].join('\n');
    const r = await execa('node', ['--input-type=module', '-e', script], {
      cwd: project,
      env: cleanEnv(),
      extendEnv: false,
    });
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(fileURLToPath(out.url!)).toBe(join(installed, 'dist', 'index.js'));
    expect(out).toMatchObject({
      detectEpisode: 'function',
      detectSeries: 'function',
      secondSamples: 'function',
    });
  });
});

describe('introdetect train from the installed package', () => {
  const labels = tmp.path('labels.json');
  const work = (name: string) => tmp.path(`work-${name}`);
  const train = (name: string, env: Record<string, string> = {}) =>
    npx(
      [
        ...['train', '--labels', labels, '--mode', 'vision', '--work', work(name)],
        ...['--epochs', '1', '--set', 'max_steps=1', '--set', 'min_window=10'],
        ...['--set', 'max_window=20'],
      ],
      env,
    );

  beforeAll(async () => {
    await writeFile(
      labels,
      JSON.stringify({ clip: { file: 'clip.mp4', start: 2, end: 8, credits_start: 16 } }),
    );
  });

  it('trains a tiny vision model with the shipped scripts, and detect runs it', async () => {
    const run = await train('ok');
    expect(run.exitCode, run.stderr).toBe(0);
    const models = join(work('ok'), 'models', 'vision');
    for (const f of ['model.json', 'vision-encoder.onnx', 'sequence.onnx'])
      expect(existsSync(join(models, f)), f).toBe(true);
    const detect = await npx(['detect', clip, '--models', models]);
    expect(detect.exitCode, detect.stderr).toBe(0);
    expect((JSON.parse(detect.stdout) as { mode: string }).mode).toBe('vision');
  });

  it('reports a failing training script as TRAINING_FAILED, not as a crash', async () => {
    const run = await npx([
      ...['train', '--labels', labels, '--mode', 'vision', '--work', work('bad-set')],
      ...['--epochs', '1', '--set', 'no_such_setting=1'],
    ]);
    expectTypedError(run, 'TRAINING_FAILED');
    expect(run.stderr).toMatch(/training\/train\.py failed with exit status \d+/);
    expect(run.stderr).toMatch(/--set keys/);
  });

  it('fails before any work with TRAINING_UNAVAILABLE when the python cannot import torch', async () => {
    // The same python without its site packages (-S): no torch, no numpy.
    const bare = tmp.path('python-without-site');
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    await writeFile(bare, `#!/bin/sh\nexec ${python} -S "$@"\n`);
    await chmod(bare, 0o755);
    const run = await train('no-torch', { INTRODETECT_PYTHON: bare });
    expectTypedError(run, 'TRAINING_UNAVAILABLE');
    expect(run.stderr).toMatch(/cannot import (torch|numpy)/);
    expect(run.stderr).toMatch(/python3-torch/);
    expect(run.stderr).toMatch(/INTRODETECT_PYTHON/);
    expect(existsSync(work('no-torch')), 'nothing written').toBe(false);
  });

  it('fails before any work with TRAINING_UNAVAILABLE when the python does not exist', async () => {
    const run = await train('no-python', { INTRODETECT_PYTHON: tmp.path('no/such/python3') });
    expectTypedError(run, 'TRAINING_UNAVAILABLE');
    expect(run.stderr).toMatch(/no\/such\/python3, which could not be started/);
    expect(run.stderr).toMatch(/python3-torch/);
    expect(existsSync(work('no-python')), 'nothing written').toBe(false);
  });

  it('fails before any work with TRAINING_UNAVAILABLE, saying how to get them, when the training scripts are missing', async () => {
    const scripts = join(installed, 'training');
    await rename(scripts, `${scripts}.away`);
    try {
      const run = await train('no-scripts');
      expectTypedError(run, 'TRAINING_UNAVAILABLE');
      expect(run.stderr).toMatch(/training\/train\.py, .* are missing/);
      expect(run.stderr).toMatch(/clone the introdetect repository/);
      expect(existsSync(work('no-scripts')), 'nothing written').toBe(false);
    } finally {
      await rename(`${scripts}.away`, scripts);
    }
  });
});
