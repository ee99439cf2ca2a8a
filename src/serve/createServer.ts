import { timingSafeEqual } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { IntrodetectError, InvalidArgumentError } from '../errors.js';
import type { Passes } from '../fusion/detectEpisode.js';
import type { ModelChoice } from '../fusion/modelChoice.js';
import type { Interval } from '../labels/types.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import {
  applyCorrection,
  correctionsPathOf,
  CorrectionStore,
  uncorrected,
  type LabelSplit,
} from '../watch/corrections.js';
import {
  detectSeason,
  type SeasonFileOutcome,
  type SeasonProgress,
} from '../watch/detectSeason.js';
import { rewriteCorrected } from '../watch/episodeOutput.js';
import { statePathOf } from '../watch/folderWatcher.js';
import { DEFAULT_OUTPUT, type OutputSettings } from '../watch/outputSettings.js';
import { StateStore } from '../watch/stateStore.js';
import { JobQueueFullError, JobRunner } from './jobRunner.js';
import {
  readDetection,
  readEpisode,
  readLibrary,
  seasonDirOf,
  type LibraryStore,
} from './libraryIndex.js';
import { OutsideLibraryError, resolveInLibrary } from './libraryPaths.js';
import { REVIEW_PAGE } from './page/reviewPage.js';
import { Previews } from './previews.js';
import {
  clipQuery,
  correctionBody,
  correctionResponse,
  detectBody,
  episodeSchema,
  errorSchema,
  jobIdParams,
  jobSchema,
  keyQuery,
  labelsSchema,
  librarySchema,
  thumbnailQuery,
} from './schemas.js';

export interface ServerOptions extends LocateFfmpegOptions, ModelChoice {
  /** The media library (a folder `watch` watches, or did). */
  root: string;
  /** The watcher's state file (default `<root>/.introdetect-watch.json`, as `watch` uses). */
  statePath?: string;
  /**
   * A bearer token every request must carry (`Authorization: Bearer …`, or `?token=` for the
   * page's media elements). Required by the CLI when listening beyond loopback.
   */
  token?: string;
  /**
   * What season jobs and corrections write per episode (result formats, sidecars, EDL
   * actions). Default: what the watcher recorded in its state file, else json results only.
   */
  output?: OutputSettings;
  /** The split a correction saved without one is exported in (default `train`). */
  labelSplit?: LabelSplit;
  /** Waiting detection jobs accepted (default 16). */
  maxQueuedJobs?: number;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /** Season jobs: decoding passes per file (default DEFAULT_PASSES, 1; see Passes). */
  passes?: Passes;
}

const BODY_LIMIT = 64 * 1024;

/** The hosts that are this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Listening beyond loopback needs a token (the API reads and writes the library). */
export function checkBinding(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new InvalidArgumentError(
      `Listening on ${host} exposes the library beyond this machine; give --token SECRET (clients send "Authorization: Bearer SECRET") or bind 127.0.0.1.`,
    );
  }
}

function statusOfError(err: unknown): number {
  if (err instanceof OutsideLibraryError) return 403;
  if (err instanceof JobQueueFullError) return 429;
  if (err instanceof IntrodetectError) {
    if (err.code === 'INPUT_NOT_FOUND') return 404;
    if (err.code === 'INVALID_ARGUMENT') return 400;
  }
  const status = (err as { statusCode?: number }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const plain = (i: Interval | null | undefined) =>
  i ? { start: round(i.start), end: round(i.end) } : null;

/**
 * The HTTP API and review page over a media library: a thin layer over the library. It lists
 * what the watcher's state file and result files say (read on every request, never copied),
 * runs `detectSeries` for a season as a job (`detectSeason`, one at a time), keeps reviewers'
 * corrections beside the state file and exports them as training labels. Every route has a
 * JSON Schema; the OpenAPI document is at `/openapi.json`. Only files under `root` are read.
 * Call `listen()` on the result, and `close()` to stop (running jobs are aborted).
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const root = await realpath(resolve(options.root)).catch((cause: unknown) => {
    throw new InvalidArgumentError(`The library folder ${options.root} does not exist.`, {
      cause,
    });
  });
  const statePath = statePathOf({
    root,
    ...(options.statePath !== undefined ? { statePath: options.statePath } : {}),
  });
  const store: LibraryStore = { root, statePath };
  const stateDir = dirname(statePath);
  const corrections = new CorrectionStore(correctionsPathOf(statePath), {
    ...(options.labelSplit !== undefined ? { defaultSplit: options.labelSplit } : {}),
  });
  /** What the library writes per episode, read when needed (a watcher may record it later). */
  const outputSettings = async (): Promise<OutputSettings> =>
    options.output ?? (await StateStore.open(statePath, root)).output ?? DEFAULT_OUTPUT;
  const previews = new Previews(join(stateDir, '.introdetect-serve-cache'), options);
  const jobs = new JobRunner<SeasonProgress, SeasonFileOutcome[]>({
    ...(options.maxQueuedJobs !== undefined ? { maxQueued: options.maxQueuedJobs } : {}),
  });
  const { token, logger } = options;
  const detectOptions: LocateFfmpegOptions & ModelChoice & { passes?: Passes } = {};
  for (const name of [
    'ffmpegPath',
    'ffprobePath',
    'env',
    'mode',
    'modelDir',
    'provider',
    'intraOpThreads',
    'model',
    'onWarning',
    'passes',
  ] as const) {
    if (options[name] !== undefined) Object.assign(detectOptions, { [name]: options[name] });
  }

  const app = Fastify({ logger: logger ?? false, bodyLimit: BODY_LIMIT });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'introdetect serve',
        description:
          "Intro and end-credits detections of a media library (the watcher's results), season detection jobs, and reviewers' corrections exported as training labels.",
        version: '0.1.0',
      },
      ...(token
        ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } }
        : {}),
      ...(token ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(fastifyStatic, { root, serve: false });

  if (token) {
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const query = (request.query as { token?: unknown } | undefined)?.token;
      const given = header.startsWith('Bearer ')
        ? header.slice('Bearer '.length)
        : typeof query === 'string'
          ? query
          : '';
      if (!sameToken(given, token)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'UNAUTHORIZED', message: 'A valid bearer token is required.' });
      }
    });
  }

  app.setErrorHandler(async (err, _request, reply) => {
    const status = statusOfError(err);
    const code =
      err instanceof IntrodetectError
        ? err.code
        : ((err as { code?: string }).code ?? (status === 500 ? 'INTERNAL' : 'BAD_REQUEST'));
    const message = err instanceof Error ? err.message : String(err);
    if (status === 500) app.log.error(err);
    await reply.code(status).send({ error: code, message });
  });

  app.addHook('onClose', async () => {
    await jobs.close();
  });

  const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema };

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(REVIEW_PAGE),
  );

  app.get('/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));

  app.get(
    '/api/library',
    {
      schema: {
        summary: 'Series, their seasons (folders) and episodes with their status',
        response: { 200: librarySchema },
      },
    },
    async () => {
      const [seasons, corrected] = await Promise.all([readLibrary(store), corrections.all()]);
      const series = new Map<string, { name: string; seasons: object[] }>();
      for (const season of seasons) {
        let entry = series.get(season.series);
        if (!entry) {
          entry = { name: season.series, seasons: [] };
          series.set(season.series, entry);
        }
        entry.seasons.push({
          dir: season.dir,
          name: season.name,
          episodes: season.episodes.map((e) => ({ ...e, corrected: e.key in corrected })),
        });
      }
      return { series: [...series.values()] };
    },
  );

  app.get<{ Querystring: { key: string } }>(
    '/api/episode',
    {
      schema: {
        summary:
          'One episode: its detection (segments, probabilities, repeated stretches), correction and the segments that hold',
        querystring: keyQuery,
        response: { 200: episodeSchema, ...errors },
      },
    },
    async (request) => {
      const { key } = request.query;
      const path = await resolveInLibrary(root, key);
      const summary = await readEpisode(store, key, path);
      if (!summary) throw new InvalidArgumentError(`"${key}" is not a file.`);
      const [written, correction, playable] = await Promise.all([
        summary.resultPath ? readDetection(summary.resultPath) : Promise.resolve(null),
        corrections.get(key),
        previews.playable(path),
      ]);
      // The result file holds the correction once one was saved; the model's own intervals
      // are kept in it (`corrected.detected`) and shown as `detection`.
      const detection = written && uncorrected(written);
      const holds = detection && applyCorrection(detection, correction);
      const segments = correction
        ? {
            intro: plain(correction.intro),
            credits:
              correction.credits !== undefined
                ? plain(correction.credits)
                : plain(detection?.credits),
            source: 'correction',
            corrected: { intro: true, credits: correction.credits !== undefined },
          }
        : holds
          ? {
              intro: plain(holds.intro),
              credits: plain(holds.credits),
              source: 'detection',
              corrected: { intro: false, credits: false },
            }
          : {
              intro: null,
              credits: null,
              source: 'none',
              corrected: { intro: false, credits: false },
            };
      return {
        key,
        name: summary.name,
        season: seasonDirOf(key),
        status: summary.status,
        lastError: summary.lastError,
        detection,
        correction: correction ?? null,
        segments,
        playable,
      };
    },
  );

  app.post<{ Body: { dir: string } }>(
    '/api/seasons/detect',
    {
      schema: {
        summary:
          'Detect (or re-detect) every episode of a season with the series step, as a job; results are written where watch writes them',
        body: detectBody,
        response: { 202: jobSchema, 200: jobSchema, ...errors, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const { dir } = request.body;
      const season = (await readLibrary(store)).find((s) => s.dir === dir);
      if (!season)
        throw new InvalidArgumentError(`"${dir}" is not a season folder of the library.`);
      const keys = season.episodes.map((e) => e.key);
      const { job, created } = jobs.submit(dir, (signal, report) =>
        detectSeason(store, keys, {
          ...detectOptions,
          ...(options.output ? { output: options.output } : {}),
          signal,
          onProgress: report,
        }),
      );
      return reply.code(created ? 202 : 200).send(job);
    },
  );

  app.get(
    '/api/jobs',
    {
      schema: {
        summary: 'Detection jobs, queued, running and recently finished',
        response: { 200: { type: 'array', items: jobSchema } },
      },
    },
    () => Promise.resolve(jobs.list()),
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: "A job's state and progress",
        params: jobIdParams,
        response: { 200: jobSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const job = jobs.get(request.params.id);
      if (!job) {
        return reply.code(404).send({ error: 'NOT_FOUND', message: 'No such job.' });
      }
      return job;
    },
  );

  type CorrectionRequest = {
    key: string;
    intro: Interval | null;
    credits?: Interval | null;
    split?: LabelSplit;
  };
  const saveCorrection = async (body: CorrectionRequest) => {
    await resolveInLibrary(root, body.key);
    const correction = await corrections.save(body.key, {
      intro: body.intro,
      ...(body.credits !== undefined ? { credits: body.credits } : {}),
      ...(body.split !== undefined ? { split: body.split } : {}),
    });
    // From now on the correction is what the library says: its results and sidecars too.
    const rewritten = await rewriteCorrected(store, body.key, correction, {
      settings: await outputSettings(),
      onWarning: options.onWarning,
    });
    return { key: body.key, correction, rewritten };
  };
  for (const method of ['PUT', 'POST'] as const) {
    app.route<{ Body: CorrectionRequest }>({
      method,
      url: '/api/corrections',
      schema: {
        summary:
          "Save a correction for an episode (intro and credits, or null for none); it overrides the detection from then on (the episode's result files and sidecars are rewritten with it, and later detections keep it) and is exported in /labels.json",
        body: correctionBody,
        response: { 200: correctionResponse, ...errors },
      },
      handler: async (request) => saveCorrection(request.body),
    });
  }

  app.get(
    '/labels.json',
    {
      schema: {
        summary:
          'The corrections as training labels (introdetect train --labels labels.json --media LIBRARY_DIR)',
        response: { 200: labelsSchema },
      },
    },
    async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(await corrections.labelsJson()),
  );

  const sendFrom = (reply: FastifyReply, file: string, dir: string) =>
    reply.sendFile(relative(dir, file), dir, { cacheControl: false });

  app.get<{ Querystring: { key: string } }>(
    '/api/media',
    {
      schema: {
        summary: 'The media file itself, with range requests (206)',
        querystring: keyQuery,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const path = await resolveInLibrary(root, request.query.key);
      return sendFrom(reply, path, root);
    },
  );

  app.get<{ Querystring: { key: string; t: number } }>(
    '/api/thumbnail',
    {
      schema: {
        summary: 'A small JPEG of the frame at second t (made by ffmpeg, cached)',
        querystring: thumbnailQuery,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const path = await resolveInLibrary(root, request.query.key);
      const jpeg = await previews.thumbnail(path, request.query.t);
      return sendFrom(reply, jpeg, previews.cacheDir);
    },
  );

  app.get<{ Querystring: { key: string; start: number; duration: number } }>(
    '/api/clip',
    {
      schema: {
        summary:
          'An H.264/AAC MP4 proxy of `duration` seconds from `start`, for files a browser cannot play (cached; range requests)',
        querystring: clipQuery,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const path = await resolveInLibrary(root, request.query.key);
      const mp4 = await previews.clip(path, request.query.start, request.query.duration);
      return sendFrom(reply, mp4, previews.cacheDir);
    },
  );

  await app.ready();
  return app;
}
