/**
 * Benchmarks run inside workerd (like the tests) and report each figure as one console line;
 * `npm run bench` collects the lines and prints them as a table.
 */
export interface Figure {
  /** What was measured, e.g. "gate pipeline, rejection (median)". */
  name: string;
  value: number;
  unit: string;
  /** Context: the ideal, a ratio, the settings used. */
  note?: string;
}

export const FIGURE_PREFIX = "kora_bench ";

export function reportFigure(figure: Figure): void {
  console.log(FIGURE_PREFIX + JSON.stringify(figure));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
