/** Number formats and Markdown tables for the benches' reports. */

export const f1 = (x: number): string => x.toFixed(1);
export const f2 = (x: number): string => x.toFixed(2);
export const pct = (x: number, of: number): string => `${((100 * x) / of).toFixed(0)} %`;

/** Prints a Markdown table (first column left-aligned, the others right), then a blank line. */
export function table(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): void {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
}
