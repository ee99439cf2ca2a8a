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

const hasTool = (name: string) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Whether mkvtoolnix (mkvpropedit and mkvextract) is installed, for the chapter specs. */
export const mkvtoolnixInstalled = (): boolean => hasTool('mkvpropedit') && hasTool('mkvextract');
