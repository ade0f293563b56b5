/** Number formatting shared by every report renderer, so HTML, PDF and CSV show the same figures. */

export function formatPercent(value: number | null, digits = 2): string {
  return value === null ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** 1.23 G, 456 M, 7.8 k: for BOPs and MACs. */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e12) return `${(value / 1e12).toFixed(2)} T`;
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(0);
}

export function formatBytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(2)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value.toFixed(0)} B`;
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '0';
  return value >= 100 ? `${value.toFixed(1)} ms` : value >= 1 ? `${value.toFixed(2)} ms` : `${(value * 1000).toFixed(0)} µs`;
}

export function formatDb(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} dB`;
}

/** Formats a cost on the report's cost axis. */
export function formatCost(value: number, axisName: string): string {
  if (/latency/i.test(axisName)) return formatMs(value);
  if (/size/i.test(axisName)) return formatBytes(value);
  return formatCount(value);
}
