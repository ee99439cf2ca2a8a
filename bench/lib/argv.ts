/** Command-line flags of the benches (`--name value`, `--switch`). */

/** The value after `--name` in `args`, or `fallback`. */
export function flagValue(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** Removes `--name value` from `argv` and returns the value (undefined when absent). */
export function takeFlag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}

/** Removes `--name` from `argv`; whether it was there. */
export function takeSwitch(argv: string[], name: string): boolean {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) argv.splice(i, 1);
  return i >= 0;
}
