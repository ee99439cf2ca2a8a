import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.js';
import { assertFrozen, freezeCorpus, parseFrozenRecord } from '../../corpus/frozenSet.js';
import { writeFileAtomic } from '../../util/atomicFile.js';

interface FreezeOpts {
  record?: string;
  check?: string;
}

/** `introdetect freeze DIR --record FILE | --check FILE`: freeze an evaluation set, or verify one. */
export function registerFreeze(program: Command): void {
  program
    .command('freeze')
    .description(
      'Freeze a built corpus as an evaluation set (--record FILE: its build command and the sha256 of its labels and every episode), or check that a folder is still that set (--check FILE).',
    )
    .argument('<dir>', 'a corpus folder built by `introdetect corpus`')
    .option('--record <file>', 'write the record here (e.g. eval/frozen-eval.json, committed)')
    .option('--check <file>', 'compare the folder with this record; fails unless identical')
    .action(async (dir: string, opts: FreezeOpts) => {
      if ((opts.record === undefined) === (opts.check === undefined))
        throw new InvalidArgumentError(
          'freeze needs exactly one of --record FILE or --check FILE.',
        );
      if (opts.record !== undefined) {
        const record = await freezeCorpus(dir, relative(process.cwd(), dir) || '.');
        await writeFileAtomic(opts.record, `${JSON.stringify(record, null, 2)}\n`);
        process.stdout.write(
          `${dir}: ${record.labels.episodes} episodes (${record.labels.intros} intros, ${record.labels.credits} credits), ${Object.keys(record.files).length} files → ${opts.record}\nlabels sha256 ${record.labels.sha256}\n`,
        );
        return;
      }
      const where = opts.check!;
      const record = parseFrozenRecord(await readFile(where, 'utf8'), where);
      await assertFrozen(dir, record);
      process.stdout.write(
        `${dir} is the frozen set of ${where} (${Object.keys(record.files).length} files, labels sha256 ${record.labels.sha256}).\n`,
      );
    });
}
