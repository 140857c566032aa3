// The bench's figures: median, p95 and min of repeated samples, printed as a table row each and
// as one JSON line per bench (for machines).

export interface BenchResult {
  name: string;
  runs: number;
  median_ms: number;
  p95_ms: number;
  min_ms: number;
  /** What the figure needs to be read right (e.g. which response code was timed). */
  note?: string;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

const round = (x: number): number => Math.round(x * 10) / 10;

export function summary(name: string, samples: number[], note?: string): BenchResult {
  const s = [...samples].sort((a, b) => a - b);
  return {
    name, runs: s.length, median_ms: round(quantile(s, 0.5)), p95_ms: round(quantile(s, 0.95)), min_ms: round(s[0] ?? NaN),
    ...(note ? { note } : {}),
  };
}

export function printResults(bench: string, results: BenchResult[]): void {
  const width = Math.max(28, ...results.map((r) => r.name.length));
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(width)} median ${String(r.median_ms).padStart(7)} ms   p95 ${String(r.p95_ms).padStart(7)} ms   ` +
        `min ${String(r.min_ms).padStart(7)} ms   (${r.runs} runs)${r.note ? `   ${r.note}` : ''}\n`,
    );
  }
  process.stdout.write(JSON.stringify({ bench, results }) + '\n');
}
