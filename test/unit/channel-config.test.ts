import { describe, expect, it } from 'vitest';
import { parseChannelsConfig } from '../../src/live/channelConfig.js';
import { createLogger } from '../../src/util/logger.js';

describe('stream --config: the channels file', () => {
  it('overlays each channel on the defaults (webhook keys merged one level deep)', () => {
    const specs = parseChannelsConfig(
      [
        'defaults:',
        '  lookahead: 4',
        '  hlsOut: /srv/hls',
        '  webhook: { url: "http://hooks.local/skip", secret: s3cret }',
        'channels:',
        '  - name: news',
        '    input: http://origin.local/news.m3u8',
        '  - name: movies',
        '    input: udp://239.0.0.1:1234',
        '    lookahead: 6',
        '    recapMemory: 0',
        '    webhook: { url: "http://other.local/hook" }',
      ].join('\n'),
    );
    expect(specs).toEqual([
      {
        name: 'news',
        input: 'http://origin.local/news.m3u8',
        lookahead: 4,
        hlsOut: '/srv/hls',
        webhook: { url: 'http://hooks.local/skip', secret: 's3cret' },
      },
      {
        name: 'movies',
        input: 'udp://239.0.0.1:1234',
        lookahead: 6,
        recapMemory: 0,
        hlsOut: '/srv/hls',
        webhook: { url: 'http://other.local/hook', secret: 's3cret' },
      },
    ]);
  });

  it('reads JSON too', () => {
    expect(parseChannelsConfig('{"channels":[{"name":"a","input":"-"}]}')).toEqual([
      { name: 'a', input: '-' },
    ]);
  });

  it.each([
    ['not a list', 'channels: 3', /expected a "channels:" list/],
    ['an unknown top-level key', 'chanels: []', /unknown key "chanels"/],
    ['a missing input', 'channels: [{ name: a }]', /channels\[0\] \(a\)\.input must be/],
    [
      'a duplicate name',
      'channels: [{name: a, input: x}, {name: a, input: y}]',
      /two channels are named "a"/,
    ],
    [
      'a name unfit for a file or URL',
      'channels: [{name: "a/b", input: x}]',
      /channels\[0\]\.name must be/,
    ],
    [
      'an unknown channel key',
      'channels: [{name: a, input: x, lookahed: 3}]',
      /unknown key "lookahed" \(valid: .*lookahead/,
    ],
    [
      'a negative number',
      'channels: [{name: a, input: x, lookahead: -1}]',
      /lookahead must be a whole number >= 0/,
    ],
    ['name in defaults', 'defaults: {name: x}\nchannels: []', /defaults: unknown key "name"/],
    [
      'an unknown webhook key',
      'channels: [{name: a, input: x, webhook: {url: u, sceret: s}}]',
      /webhook: unknown key "sceret"/,
    ],
    ['broken YAML', 'channels: [', /not valid YAML or JSON/],
  ])('rejects %s with a message that names the place', (_, text, message) => {
    expect(() => parseChannelsConfig(text, 'channels.yaml')).toThrow(message);
    expect(() => parseChannelsConfig(text, 'channels.yaml')).toThrow(/^channels\.yaml: /);
  });
});

describe('--log-format', () => {
  const capture = (format: 'text' | 'json') => {
    const lines: string[] = [];
    const log = createLogger({
      format,
      prefix: 'introdetect: stream',
      write: (l) => lines.push(l),
      now: () => new Date('2026-12-01T10:00:00.000Z'),
    });
    return { log, lines };
  };

  it('json: one object per line with time, level, message and every field', () => {
    const { log, lines } = capture('json');
    log.child({ channel: 'news' }).warn('input lost at 12 s', { streamTime: 12, attempt: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-12-01T10:00:00.000Z',
      level: 'warn',
      msg: 'input lost at 12 s',
      channel: 'news',
      streamTime: 12,
      attempt: 1,
    });
  });

  it('text: the message for people, the channel in brackets, fields left to json', () => {
    const { log, lines } = capture('text');
    log.info('input ended: 30 s analysed, 2 event(s)', { decidedSeconds: 30 });
    log.child({ channel: 'news' }).error('giving up');
    expect(lines).toEqual([
      'introdetect: stream: input ended: 30 s analysed, 2 event(s)\n',
      'introdetect: stream[news]: error: giving up\n',
    ]);
  });
});
