import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The shared media pool that `introdetect corpus` builds episodes from: `$INTRODETECT_MEDIA`,
 * else `../shared/media` beside the checkout (as on CI), else `/work/shared/media`. Found the
 * same way as in test/e2e/corpus.test.ts.
 */
export const SHARED_MEDIA =
  process.env.INTRODETECT_MEDIA ??
  [resolve(import.meta.dirname, '../../../shared/media'), '/work/shared/media'].find((p) =>
    existsSync(p),
  ) ??
  '../shared/media';
