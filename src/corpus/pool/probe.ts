import { execa } from 'execa';

/** Duration of a media file in seconds (ffprobe), or undefined when it cannot be read. */
export async function probeDuration(
  ffprobe: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  try {
    const { stdout } = await execa(
      ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      signal ? { cancelSignal: signal } : {},
    );
    const d = Number.parseFloat(stdout.trim());
    return Number.isFinite(d) ? d : undefined;
  } catch (err) {
    if (signal?.aborted) throw err;
    return undefined;
  }
}
