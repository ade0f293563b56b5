/**
 * The Pareto plot as inline SVG: accuracy against cost, the mixed-precision front as a line with
 * points, fixed baselines and FP32 as labelled reference markers, the chosen point highlighted.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import type { ReportConfigRow } from '../report.js';
import { escapeXml } from './escape.js';
import { formatCost } from './format.js';

export interface ParetoChartInput {
  front: ReportConfigRow[];
  compared: ReportConfigRow[];
  costAxisName: string;
  width?: number;
  height?: number;
}

const M = { top: 16, right: 24, bottom: 46, left: 70 };

export function renderParetoChart(input: ParetoChartInput): string {
  const width = input.width ?? 720;
  const height = input.height ?? 360;
  const points = [...input.front, ...input.compared].filter((r) => r.accuracy !== null && r.cost > 0);
  if (points.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60" role="img"><text x="8" y="30">No evaluated configurations to plot.</text></svg>`;
  const costs = points.map((p) => p.cost);
  const accs = points.map((p) => p.accuracy as number);
  const minCost = Math.min(...costs);
  const maxCost = Math.max(...costs);
  const useLog = maxCost / minCost > 20;
  const x = (useLog ? scaleLog() : scaleLinear()).domain([minCost * 0.9, maxCost * 1.1]).range([M.left, width - M.right]).nice();
  const lo = Math.min(...accs);
  const hi = Math.max(...accs);
  const pad = Math.max(0.002, (hi - lo) * 0.08);
  const y = scaleLinear().domain([Math.max(0, lo - pad), Math.min(1, hi + pad)]).range([height - M.bottom, M.top]).nice();

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Accuracy against ${escapeXml(input.costAxisName)}" class="chart">`);
  const yTicks = y.ticks(6);
  // Enough decimals that neighbouring ticks never print the same label.
  const step = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 0.01;
  const decimals = step >= 0.01 ? 0 : step >= 0.001 ? 1 : 2;
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`);
    parts.push(`<text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end" class="tick">${(t * 100).toFixed(decimals)}%</text>`);
  }
  // Log axes get many ticks from d3; keep at most six, evenly spread, so labels never collide.
  const allTicks = x.ticks(6);
  const stride = Math.max(1, Math.ceil(allTicks.length / 6));
  const xTicks = useLog ? allTicks.filter((_, i) => i % stride === 0) : allTicks;
  for (const t of xTicks) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${height - M.bottom}" y2="${height - M.bottom + 5}" class="axis"/>`);
    parts.push(`<text x="${x(t)}" y="${height - M.bottom + 18}" text-anchor="middle" class="tick">${escapeXml(formatCost(t, input.costAxisName))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${height - M.bottom}" y2="${height - M.bottom}" class="axis"/>`);
  parts.push(`<text x="${(M.left + width - M.right) / 2}" y="${height - 8}" text-anchor="middle" class="label">${escapeXml(input.costAxisName)}${useLog ? ' (log scale)' : ''}</text>`);
  parts.push(`<text transform="translate(13 ${(M.top + height - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="label">Accuracy (top-1)</text>`);

  const front = input.front.filter((r) => r.accuracy !== null && r.cost > 0).sort((a, b) => a.cost - b.cost);
  if (front.length > 1) {
    const d = front.map((r, i) => `${i === 0 ? 'M' : 'L'}${x(r.cost).toFixed(1)},${y(r.accuracy as number).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" class="front-line"/>`);
  }
  for (const r of front) parts.push(`<circle cx="${x(r.cost).toFixed(1)}" cy="${y(r.accuracy as number).toFixed(1)}" r="3.5" class="front-point"><title>${escapeXml(r.label)}: ${((r.accuracy as number) * 100).toFixed(2)}%</title></circle>`);
  for (const r of input.compared.filter((c) => c.accuracy !== null && c.cost > 0)) {
    const cx = x(r.cost);
    const cy = y(r.accuracy as number);
    if (r.kind === 'mixed') {
      parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="7" class="chosen"/>`);
    } else {
      parts.push(`<rect x="${(cx - 5).toFixed(1)}" y="${(cy - 5).toFixed(1)}" width="10" height="10" class="${r.kind === 'fp32' ? 'fp32' : 'fixed'}" transform="rotate(45 ${cx.toFixed(1)} ${cy.toFixed(1)})"/>`);
    }
    parts.push(`<text x="${(cx + 9).toFixed(1)}" y="${(cy - 8).toFixed(1)}" class="point-label">${escapeXml(r.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
