/** How log lines are written: `text` for people, `json` (one object per line) for collectors. */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** A structured log: a message plus fields; `child` adds fields to every line (a channel). */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  format: LogFormat;
  /** What text lines start with, e.g. `introdetect: stream` (text format only). */
  prefix?: string;
  /** Where lines go (default: process.stderr). */
  write?: (line: string) => void;
  /** Fields of every line. */
  fields?: LogFields;
  /** Clock for `time` (tests). */
  now?: () => Date;
  /** Text format: show the `channel` field as `prefix[channel]:` (default true). */
  channelInText?: boolean;
}

/**
 * A logger that writes one line per call. Text: `prefix[channel]: message` (the message says
 * what a person needs; the other fields are for machines); JSON: `{"time","level","msg",…fields}` — the format log
 * collectors (Loki, Elasticsearch, journald's JSON mode) take as is.
 */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const line = (level: LogLevel, message: string, fields: LogFields = {}) => {
      const all = { ...base, ...fields };
      if (options.format === 'json') {
        write(`${JSON.stringify({ time: now().toISOString(), level, msg: message, ...all })}\n`);
        return;
      }
      const channel = options.channelInText === false ? undefined : all.channel;
      const where =
        channel === undefined ? '' : `[${JSON.stringify(channel).replace(/^"|"$/g, '')}]`;
      const tag = level === 'info' ? '' : `${level === 'warn' ? 'warning' : 'error'}: `;
      const prefix = options.prefix ?? 'introdetect';
      write(`${prefix}${where}: ${tag}${message}\n`);
    };
    return {
      info: (m, f) => line('info', m, f),
      warn: (m, f) => line('warn', m, f),
      error: (m, f) => line('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}
