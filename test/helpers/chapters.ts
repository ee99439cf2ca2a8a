import { execFileSync } from 'node:child_process';

/** One chapter as ffprobe reports it. */
export interface Chapter {
  start_time: string;
  end_time: string;
  tags?: { title?: string };
}

/** The chapters of a media file, read back with ffprobe. */
export const chaptersOf = (file: string): Chapter[] =>
  (
    JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_chapters', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    ) as { chapters: Chapter[] }
  ).chapters;
