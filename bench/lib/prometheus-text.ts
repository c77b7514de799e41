/**
 * The value of an unlabelled metric in Prometheus text (what Baton's /metrics serves), or
 * undefined when the metric is missing or its value is not a number.
 */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  const value = line === undefined ? NaN : Number(line.slice(name.length + 1));
  return Number.isFinite(value) ? value : undefined;
}
