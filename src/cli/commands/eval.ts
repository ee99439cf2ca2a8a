import { InvalidArgumentError, type Command } from 'commander';
import { runEval, type EvalOptions } from '../../eval/runEval.js';

/** `introdetect eval`: scores predictions against labels (table on stdout, JSON, plots). */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'Score detections against labels: per-second P/R/F1, IoU, boundary errors, F1 at ±1 s.',
    )
    .requiredOption(
      '--labels <file>',
      'labels: labels.json (seeds or corpus) or labels.csv (file,start_main,end_main)',
    )
    .requiredOption(
      '--pred <path>',
      'predictions from `detect --format json`: a file (object, array, JSON lines) or a folder of *.json',
    )
    .option('--json <out>', 'write the full metrics (per-episode rows included) as JSON')
    .option(
      '--plots <dir>',
      'write one PNG per episode: p(t), threshold, true and predicted intervals',
    )
    .option(
      '--failures [seconds]',
      'also list every episode the detector got wrong: missed, false, or a boundary more than SECONDS off (default 1), with what the probabilities show there',
      (v: string) => {
        const n = Number(v);
        if (!(n >= 0))
          throw new InvalidArgumentError(`--failures: "${v}" is not a number of seconds.`);
        return n;
      },
    )
    .option(
      '--missing-as-empty',
      'score labelled episodes without a prediction as "nothing found" (default: leave them out, and list them)',
    )
    .action(async (opts: Omit<EvalOptions, 'failures'> & { failures?: number | true }) => {
      const { failures, ...rest } = opts;
      await evalCommand({
        ...rest,
        ...(failures !== undefined ? { failures: failures === true ? 1 : failures } : {}),
      });
    });
}

/** The command's body, callable without commander: prints the table and warnings. */
async function evalCommand(
  opts: EvalOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const { report, table, plots, failures } = await runEval(opts);
  for (const w of report.warnings) err.write(`warning: ${w}\n`);
  out.write(table);
  if (failures !== undefined) out.write(`\n${failures}`);
  if (opts.json !== undefined) out.write(`metrics written to ${opts.json}\n`);
  if (opts.plots !== undefined) out.write(`${plots.length} plot(s) written to ${opts.plots}\n`);
}
