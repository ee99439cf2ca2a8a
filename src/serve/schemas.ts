/**
 * The JSON Schemas of the HTTP API: requests are validated against them, responses
 * serialised by them, and the OpenAPI document at /openapi.json is built from them.
 */

const interval = {
  type: 'object',
  required: ['start', 'end'],
  additionalProperties: false,
  properties: {
    start: { type: 'number', minimum: 0 },
    end: { type: 'number', minimum: 0 },
  },
} as const;

const detectedInterval = {
  type: 'object',
  required: ['start', 'end'],
  properties: {
    start: { type: 'number' },
    end: { type: 'number' },
    confidence: { type: 'number' },
  },
} as const;

const split = { type: 'string', enum: ['train', 'val', 'test'] } as const;

const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: 'null' }] }) as const;

const track = {
  type: 'object',
  required: ['from', 'values'],
  properties: { from: { type: 'number' }, values: { type: 'array', items: { type: 'number' } } },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'introdetect error code or HTTP error' },
    message: { type: 'string' },
  },
} as const;

const episodeStatus = {
  type: 'string',
  enum: ['pending', 'processing', 'done', 'failed'],
  description: "from the watcher's state file: no result yet → pending",
} as const;

const episodeSummary = {
  type: 'object',
  required: ['key', 'name', 'status', 'corrected', 'lastError', 'updatedAt'],
  properties: {
    key: { type: 'string', description: 'path under the library: the episode id' },
    name: { type: 'string' },
    status: episodeStatus,
    corrected: { type: 'boolean' },
    lastError: { type: ['string', 'null'] },
    updatedAt: { type: ['string', 'null'] },
  },
} as const;

export const librarySchema = {
  type: 'object',
  required: ['series'],
  properties: {
    series: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'seasons'],
        properties: {
          name: { type: 'string' },
          seasons: {
            type: 'array',
            items: {
              type: 'object',
              required: ['dir', 'name', 'episodes'],
              properties: {
                dir: { type: 'string', description: "the season's folder under the library" },
                name: { type: 'string' },
                episodes: { type: 'array', items: episodeSummary },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const keyQuery = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

export const correctionBody = {
  type: 'object',
  required: ['key', 'intro'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 4096 },
    intro: { ...nullable(interval), description: 'null: the episode has no intro' },
    credits: { ...nullable(interval), description: 'null: no credits; absent: unknown' },
    split: {
      ...split,
      description: "the training split it is exported in (default: the server's, train)",
    },
  },
} as const;

const correction = {
  type: 'object',
  required: ['intro', 'savedAt'],
  properties: {
    intro: nullable(interval),
    credits: nullable(interval),
    split,
    savedAt: { type: 'string' },
  },
} as const;

export const correctionResponse = {
  type: 'object',
  required: ['key', 'correction', 'rewritten'],
  properties: {
    key: { type: 'string' },
    correction,
    rewritten: {
      type: 'array',
      items: { type: 'string' },
      description:
        "the episode's result files and sidecars rewritten with the correction (none before its first detection)",
    },
  },
} as const;

export const episodeSchema = {
  type: 'object',
  required: ['key', 'name', 'season', 'status', 'detection', 'correction', 'segments', 'playable'],
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    season: { type: 'string' },
    status: episodeStatus,
    lastError: { type: ['string', 'null'] },
    detection: {
      anyOf: [
        {
          type: 'object',
          description: 'the JSON result `watch` / `detect --format json` wrote',
          required: ['id', 'duration', 'intro', 'credits', 'probabilities', 'threshold'],
          properties: {
            id: { type: 'string' },
            file: { type: 'string' },
            duration: { type: 'number' },
            mode: { type: 'string' },
            intro: nullable(detectedInterval),
            credits: nullable(detectedInterval),
            probabilities: {
              type: 'object',
              required: ['intro', 'credits'],
              properties: { intro: track, credits: track },
            },
            threshold: {
              type: 'object',
              properties: { intro: { type: 'number' }, credits: { type: 'number' } },
            },
            repeated: { type: 'array', items: interval },
            segments: {
              type: 'array',
              description: 'every part found, in time order (intro, credits, recap, preview…)',
              items: {
                type: 'object',
                required: ['type', 'start', 'end', 'confidence'],
                properties: {
                  type: { type: 'string' },
                  start: { type: 'number' },
                  end: { type: 'number' },
                  confidence: { type: 'number' },
                },
              },
            },
          },
        },
        { type: 'null' },
      ],
    },
    correction: nullable(correction),
    segments: {
      type: 'object',
      description: 'what holds now: the correction where there is one, else the detection',
      required: ['intro', 'credits', 'source', 'corrected'],
      properties: {
        intro: nullable(interval),
        credits: nullable(interval),
        source: { type: 'string', enum: ['correction', 'detection', 'none'] },
        corrected: {
          type: 'object',
          description: 'which segments a reviewer set (the others are the detection)',
          required: ['intro', 'credits'],
          properties: { intro: { type: 'boolean' }, credits: { type: 'boolean' } },
        },
      },
    },
    playable: {
      type: 'boolean',
      description: 'a browser plays the file as it is; else use /api/clip',
    },
  },
} as const;

export const detectBody = {
  type: 'object',
  required: ['dir'],
  additionalProperties: false,
  properties: { dir: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

export const jobSchema = {
  type: 'object',
  required: ['id', 'target', 'state', 'progress', 'result', 'error', 'createdAt', 'finishedAt'],
  properties: {
    id: { type: 'string' },
    target: { type: 'string', description: "the season's folder" },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'canceled'] },
    progress: nullable({
      type: 'object',
      required: ['filesDone', 'filesTotal', 'current'],
      properties: {
        filesDone: { type: 'integer' },
        filesTotal: { type: 'integer' },
        current: nullable({
          type: 'object',
          properties: {
            key: { type: 'string' },
            seconds: { type: 'number' },
            total: { type: 'number' },
          },
        }),
      },
    }),
    result: nullable({
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'status', 'error'],
        properties: {
          key: { type: 'string' },
          status: { type: 'string', enum: ['done', 'failed'] },
          error: { type: ['string', 'null'] },
        },
      },
    }),
    error: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

export const jobIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

export const thumbnailQuery = {
  type: 'object',
  required: ['key', 't'],
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 4096 },
    t: { type: 'number', minimum: 0 },
  },
} as const;

export const clipQuery = {
  type: 'object',
  required: ['key', 'start'],
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 4096 },
    start: { type: 'number', minimum: 0 },
    duration: { type: 'number', minimum: 1, maximum: 120, default: 20 },
  },
} as const;

export const labelsSchema = {
  type: 'object',
  description: 'labels.json in the format `introdetect train --labels` reads, by video id',
  additionalProperties: {
    type: 'object',
    required: ['name', 'start', 'end'],
    properties: {
      name: { type: 'string' },
      start: { type: ['string', 'null'], description: 'intro start, H:MM:SS' },
      end: { type: ['string', 'null'] },
      credits_start: { type: ['string', 'null'] },
      credits_end: { type: ['string', 'null'] },
      file: { type: 'string', description: 'relative to the library' },
      series: { type: 'string' },
      split,
    },
  },
} as const;
