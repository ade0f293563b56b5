/**
 * Latency distribution per configuration as inline SVG box plots: whiskers from min to p99, a box
 * from median to p90, the mean as a tick; unstable measurements drawn hatched and labelled.
 */
import { scaleLinear } from 'd3-scale';
import type { ReportConfigRow } from '../report.js';
import { escapeXml } from './escape.js';
import { formatMs } from './format.js';

export function renderLatencyChart(rows: ReportConfigRow[], width = 720): string {
  const measured = rows.filter((r) => r.latency !== null);
  if (measured.length === 0) return '';
  const labelW = 130;
  const rowH = 30;
  const height = 36 + rowH * measured.length;
  // Scale to the p90s so one slow outlier cannot squash every box; longer p99 whiskers are clipped
  // at the edge and marked with an arrow.
  const max = Math.max(...measured.map((r) => r.latency!.p90)) * 1.35;
  const x = scaleLinear().domain([0, max]).range([labelW, width - 110]).nice();
  const edge = x.range()[1];
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Latency distribution" class="chart">`];
  for (const t of x.ticks(6)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="6" y2="${height - 24}" class="grid"/>`);
    parts.push(`<text x="${x(t)}" y="${height - 8}" text-anchor="middle" class="tick">${escapeXml(formatMs(t))}</text>`);
  }
  measured.forEach((r, i) => {
    const s = r.latency!;
    const cy = 10 + i * rowH + rowH / 2;
    parts.push(`<text x="${labelW - 8}" y="${cy + 4}" text-anchor="end" class="row-head">${escapeXml(r.label)}</text>`);
    const clipped = x(s.p99) > edge;
    const whiskerEnd = clipped ? edge : x(s.p99);
    parts.push(`<line x1="${x(s.min)}" x2="${whiskerEnd}" y1="${cy}" y2="${cy}" class="whisker"/>`);
    if (clipped) parts.push(`<path d="M${edge - 6},${cy - 4}L${edge},${cy}L${edge - 6},${cy + 4}" class="whisker" fill="none"><title>p99 ${escapeXml(formatMs(s.p99))}</title></path>`);
    parts.push(`<rect x="${x(s.median)}" y="${cy - 8}" width="${Math.max(1, x(s.p90) - x(s.median))}" height="16" class="${s.unstable ? 'box unstable' : 'box'}"/>`);
    parts.push(`<line x1="${x(s.mean)}" x2="${x(s.mean)}" y1="${cy - 10}" y2="${cy + 10}" class="mean"/>`);
    parts.push(`<text x="${whiskerEnd + 6}" y="${cy + 4}" class="point-label">${escapeXml(formatMs(s.median))}${s.unstable ? ' (unstable)' : ''}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
