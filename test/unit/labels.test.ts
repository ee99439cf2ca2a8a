import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputNotFoundError, InvalidLabelsError } from '../../src/errors.js';
import { parseCsv } from '../../src/labels/csv.js';
import { parseLabelsCsv } from '../../src/labels/parseLabelsCsv.js';
import { parseLabelsJson } from '../../src/labels/parseLabelsJson.js';
import { parseLabelsText, readLabels } from '../../src/labels/readLabels.js';
import { repairInterval } from '../../src/labels/repairInterval.js';
import type { EpisodeLabel } from '../../src/labels/types.js';
import { writeLabelsJson } from '../../src/labels/writeLabelsJson.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/labels/${name}`, import.meta.url));

const byId = (labels: EpisodeLabel[], id: string): EpisodeLabel => {
  const l = labels.find((x) => x.id === id);
  if (!l) throw new Error(`no label ${id}`);
  return l;
};

describe('repairInterval', () => {
  it('keeps a well-formed pair', () => {
    expect(repairInterval('v', 10, 40)).toEqual({ interval: { start: 10, end: 40 } });
  });

  it('reads start == end as no interval, with a warning', () => {
    const r = repairInterval('video x intro', 0, 0);
    expect(r.interval).toBeNull();
    expect(r.warning).toMatch(/video x intro.*start equals end/);
  });

  it('moves the start back a minute when start - 60 falls before the end (minute slip)', () => {
    const r = repairInterval('video x intro', 130, 100);
    expect(r.interval).toEqual({ start: 70, end: 100 });
    expect(r.warning).toMatch(/video x intro.*one-minute slip.*0:01:10–0:01:40/);
  });

  it('swaps start and end when a minute back would not help', () => {
    const r = repairInterval('video x intro', 220, 145);
    expect(r.interval).toEqual({ start: 145, end: 220 });
    expect(r.warning).toMatch(/swapped → 0:02:25–0:03:40/);
  });

  it('swaps a start exactly 60 s after the end (a minute back would leave nothing)', () => {
    expect(repairInterval('v', 160, 100).interval).toEqual({ start: 100, end: 160 });
  });

  it('always returns a non-empty interval with start < end, or null only for start == end', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), (a, b) => {
        const r = repairInterval('v', a, b);
        if (a === b) return r.interval === null;
        return r.interval !== null && r.interval.start < r.interval.end && r.interval.start >= 0;
      }),
    );
  });
});

describe("the seeds' labels.json", () => {
  it('reads intros, repairs the known faults with a warning naming each video', async () => {
    const { labels, warnings } = await readLabels(fixture('seeds-labels.json'));
    expect(labels).toHaveLength(5);
    const ok = byId(labels, '-220020068_456255389');
    expect(ok).toEqual({
      id: '-220020068_456255389',
      name: 'Баскетс. 1 сезон, 9 серия',
      intro: { start: 0, end: 8 },
      credits: undefined,
    });
    expect(byId(labels, '-220020068_456255400').intro).toEqual({ start: 70, end: 100 });
    // Seed 000's outlier: 2:57 → 2:25 reads as a minute slip (1:57–2:25).
    expect(byId(labels, '-220020068_456255332').intro).toEqual({ start: 117, end: 145 });
    expect(byId(labels, '-220020068_456255401').intro).toEqual({ start: 145, end: 220 });
    expect(byId(labels, '-220020068_456255402').intro).toBeNull();
    expect(warnings).toHaveLength(4);
    for (const id of [
      '-220020068_456255400',
      '-220020068_456255332',
      '-220020068_456255401',
      '-220020068_456255402',
    ]) {
      expect(warnings.some((w) => w.includes(`video ${id}`))).toBe(true);
    }
  });

  it('leaves credits unknown (the seeds label only intros)', async () => {
    const { labels } = await readLabels(fixture('seeds-labels.json'));
    expect(labels.every((l) => l.credits === undefined)).toBe(true);
  });

  it('names the video and field when a time is not a timecode', () => {
    const text = JSON.stringify({ abc: { name: 'x', start: '1:xx', end: '0:00:10' } });
    expect(() => parseLabelsJson(text, 'l.json')).toThrow(InvalidLabelsError);
    expect(() => parseLabelsJson(text, 'l.json')).toThrow(/l\.json, video abc, "start"/);
  });

  it('rejects a start without an end, and JSON that is not an object of entries', () => {
    expect(() => parseLabelsJson('{"a":{"name":"x","start":"0:00:01","end":null}}')).toThrow(
      /both be times or both be null/,
    );
    expect(() => parseLabelsJson('[1,2]')).toThrow(InvalidLabelsError);
    expect(() => parseLabelsJson('{"a": 3}')).toThrow(/video a/);
    expect(() => parseLabelsJson('{not json')).toThrow(/not valid JSON/);
  });
});

describe("the seeds' labels.csv", () => {
  it('reads intro = [0, start_main) and credits = [end_main, end of file)', async () => {
    const { labels, warnings } = await readLabels(fixture('seeds-labels.csv'));
    expect(warnings).toEqual([]);
    expect(labels).toEqual([
      {
        id: 's01e01',
        file: 'show1/s01e01.mp4',
        intro: { start: 0, end: 65 },
        credits: { start: 1230, end: Infinity },
      },
      {
        id: 's01e02',
        file: 'show1/s01e02.mp4',
        intro: null,
        credits: { start: 1270.5, end: Infinity },
      },
      {
        id: 'a, b',
        file: 'show2/a, b.mkv',
        intro: { start: 0, end: 95 },
        credits: { start: 1230, end: Infinity },
      },
    ]);
  });

  it('closes credits with a duration column when there is one', () => {
    const { labels } = parseLabelsCsv('file,start_main,end_main,duration\nx.mp4,10,100,120\n');
    expect(labels[0]).toMatchObject({ duration: 120, credits: { start: 100, end: 120 } });
    const none = parseLabelsCsv('file,start_main,end_main,duration\nx.mp4,10,120,120\n');
    expect(none.labels[0]?.credits).toBeNull();
  });

  it('warns when end_main comes before start_main', () => {
    const { warnings } = parseLabelsCsv('file,start_main,end_main\nx.mp4,100,50\n');
    expect(warnings[0]).toMatch(/video x: end_main/);
  });

  it('requires the three columns and says which line is wrong', () => {
    expect(() => parseLabelsCsv('name,start,end\n')).toThrow(/file,start_main,end_main/);
    expect(() => parseLabelsCsv('file,start_main,end_main\nx.mp4,abc,10\n', 'l.csv')).toThrow(
      /l\.csv, line 2 \(x\), "start_main"/,
    );
  });

  it('splits quoted fields, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,""c"""\r\n\r\n1,2\n')).toEqual([
      ['a', 'b,"c"'],
      ['1', '2'],
    ]);
  });
});

describe('our labels.json', () => {
  it('reads credits, null intros, open credits ends, and the bookkeeping fields', async () => {
    const { labels, warnings } = await readLabels(fixture('corpus-labels.json'));
    expect(warnings).toEqual([]);
    expect(byId(labels, 'show1_s01e01')).toEqual({
      id: 'show1_s01e01',
      name: 'Show 1, episode 1',
      file: 'show1/s01e01.mkv',
      series: 'show1',
      split: 'train',
      duration: 612.4,
      intro: { start: 30, end: 70 },
      credits: { start: 580, end: 612.4 },
    });
    expect(byId(labels, 'show1_s01e02')).toMatchObject({
      intro: null,
      credits: { start: 590, end: 600 },
    });
    expect(byId(labels, 'show2_s01e01')).toMatchObject({
      intro: { start: 0, end: 45 },
      credits: null,
    });
  });

  it('rejects an unknown split', () => {
    expect(() =>
      parseLabelsJson('{"a":{"name":"x","start":null,"end":null,"split":"dev"}}'),
    ).toThrow(/train, val or test/);
  });

  it('round-trips through writeLabelsJson', async () => {
    const { labels } = await readLabels(fixture('corpus-labels.json'));
    const again = parseLabelsJson(writeLabelsJson(labels));
    expect(again.labels).toEqual(labels);
    expect(again.warnings).toEqual([]);
  });

  it('writes open-ended credits (end unknown) as credits_end null', () => {
    const text = writeLabelsJson([
      { id: 'x', intro: null, credits: { start: 100, end: Infinity } },
    ]);
    expect(JSON.parse(text)).toEqual({
      x: { name: 'x', start: null, end: null, credits_start: '0:01:40', credits_end: null },
    });
    expect(parseLabelsJson(text).labels[0]?.credits).toEqual({ start: 100, end: Infinity });
  });

  it('round-trips any whole-second intervals', () => {
    const interval = fc
      .tuple(fc.nat(20_000), fc.integer({ min: 1, max: 3_000 }))
      .map(([start, len]) => ({ start, end: start + len }));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.option(interval),
        fc.option(interval),
        (ids, intro, credits) => {
          const labels: EpisodeLabel[] = ids.map((id) => ({ id, name: id, intro, credits }));
          expect(parseLabelsJson(writeLabelsJson(labels)).labels).toEqual(labels);
        },
      ),
    );
  });
});

describe('labels.json parts (corpora built with --parts all)', () => {
  const entry = {
    name: 'x',
    start: '0:00:30',
    end: '0:01:10',
    credits_start: '0:20:00',
    credits_end: '0:21:40',
    duration: 1330,
    parts: [
      { type: 'recap', start: '0:00:00', end: '0:00:30' },
      { type: 'intro', start: '0:00:30', end: '0:01:10' },
      { type: 'credits', start: '0:20:00', end: '0:20:40' },
      { type: 'midCredits', start: '0:20:40', end: '0:21:20' },
      { type: 'credits', start: '0:21:20', end: '0:21:40' },
      { type: 'preview', start: '0:21:40', end: '0:22:10' },
    ],
  };
  const parse = (parts: unknown) =>
    parseLabelsJson(JSON.stringify({ x: { ...entry, parts } })).labels[0]!;

  it('reads every part in seconds; the credits field spans the credits around a mid-credits scene', () => {
    const label = parse(entry.parts);
    expect(label.parts).toEqual([
      { type: 'recap', start: 0, end: 30 },
      { type: 'intro', start: 30, end: 70 },
      { type: 'credits', start: 1200, end: 1240 },
      { type: 'midCredits', start: 1240, end: 1280 },
      { type: 'credits', start: 1280, end: 1300 },
      { type: 'preview', start: 1300, end: 1330 },
    ]);
    expect(label.credits).toEqual({ start: 1200, end: 1300 });
  });

  it('leaves parts undefined where the file has none, and in the CSV format', async () => {
    const without: Partial<typeof entry> = { ...entry };
    delete without.parts;
    expect(parseLabelsJson(JSON.stringify({ x: without })).labels[0]!.parts).toBeUndefined();
    const { labels } = await readLabels(fixture('corpus-labels.json'));
    for (const l of labels) expect('parts' in l).toBe(false);
    expect(
      parseLabelsCsv('file,start_main,end_main\nx.mp4,5,50\n').labels[0]!.parts,
    ).toBeUndefined();
  });

  it('rejects parts that are not typed, non-empty intervals in time order', () => {
    expect(() => parse('recap')).toThrow(/"parts" must be a list/);
    expect(() => parse([{ type: 'outro', start: '0:00:00', end: '0:00:05' }])).toThrow(
      /unknown part type "outro". Valid: intro, credits, recap, preview, coldOpen, postCredits, midCredits/,
    );
    expect(() => parse([{ type: 'recap', start: '0:00:05', end: '0:00:05' }])).toThrow(
      /parts\[0\]: "start" must be before "end"/,
    );
    expect(() =>
      parse([
        { type: 'intro', start: '0:00:30', end: '0:01:10' },
        { type: 'recap', start: '0:00:00', end: '0:00:30' },
      ]),
    ).toThrow(/parts\[1\]: parts must be in time order without overlaps/);
    expect(() => parse([{ type: 'recap', start: 'soon', end: '0:00:30' }])).toThrow(
      InvalidLabelsError,
    );
  });

  it('round-trips any parts through writeLabelsJson', () => {
    const types = [
      'intro',
      'credits',
      'recap',
      'preview',
      'coldOpen',
      'postCredits',
      'midCredits',
    ] as const;
    const parts = fc
      .array(fc.tuple(fc.constantFrom(...types), fc.nat(600), fc.integer({ min: 1, max: 600 })), {
        maxLength: 8,
      })
      .map((items) => {
        let t = 0;
        return items.map(([type, gap, len]) => {
          const start = t + gap;
          t = start + len;
          return { type, start, end: t };
        });
      });
    fc.assert(
      fc.property(parts, (ps) => {
        const labels: EpisodeLabel[] = [
          { id: 'e', name: 'e', intro: null, credits: null, parts: ps },
        ];
        expect(parseLabelsJson(writeLabelsJson(labels)).labels).toEqual(labels);
      }),
    );
  });
});

describe('readLabels', () => {
  it('chooses the format by extension, else by content', () => {
    expect(
      parseLabelsText('file,start_main,end_main\nx.mp4,5,50\n', 'labels.txt').labels[0]?.id,
    ).toBe('x');
    expect(
      parseLabelsText('{"y":{"name":"y","start":"0:00:01","end":"0:00:02"}}', 'l').labels[0]?.id,
    ).toBe('y');
    expect(() => parseLabelsText('hello', 'notes.txt')).toThrow(/unknown labels format/);
  });

  it('reports a missing file as INPUT_NOT_FOUND', async () => {
    await expect(readLabels(fixture('nope.json'))).rejects.toBeInstanceOf(InputNotFoundError);
  });

  it('rejects a file in no known format', async () => {
    await expect(readLabels(fixture('not-labels.txt'))).rejects.toBeInstanceOf(InvalidLabelsError);
  });
});
