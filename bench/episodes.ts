/**
 * Makes (or finds) the bench episodes now, e.g. in the background before `npm run bench`: the
 * HEVC encode is slow. What they are: bench/lib/episodes.ts.
 *
 *   tsx bench/episodes.ts
 */
import { benchEpisodes } from './lib/episodes.js';

for (const e of await benchEpisodes()) console.log(`${e.name}: ${e.file}`);
