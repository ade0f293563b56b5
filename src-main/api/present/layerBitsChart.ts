/**
 * Per-layer bit-widths as inline SVG: one row per layer, one column per compared configuration,
 * each cell showing weight and activation bits with a colour per bit-width; a difference marker
 * where the mixed configuration departs from the first fixed one.
 */
import type { BitPair } from '../quant.js';
import type { ReportConfigRow } from '../report.js';
import { escapeXml } from './escape.js';

const BIT_COLOURS: Record<string, string> = {
  '2': '#b4232a', '3': '#d9592b', '4': '#e9a23b', '5': '#d7c94b', '6': '#9dc35b', '8': '#4a9d6e', '16': '#2f6f9e', float: '#7a7f8c',
};

function colour(bits: number | null): string {
  return bits === null ? BIT_COLOURS.float : (BIT_COLOURS[String(bits)] ?? '#4a9d6e');
}

function cellText(pair: BitPair | undefined): string {
  if (!pair) return '–';
  return `${pair.w ?? 'f'}/${pair.a ?? 'f'}`;
}

export function renderLayerBitsChart(layers: { name: string; op: string }[], configs: ReportConfigRow[]): string {
  const shown = configs.filter((c) => c.kind !== 'fp32');
  const nameWidth = 190;
  const cellW = 96;
  const rowH = 17;
  const headH = 30;
  const width = nameWidth + cellW * shown.length + 16;
  const height = headH + rowH * layers.length + 8;
  const reference = shown.find((c) => c.kind === 'fixed');
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Bit-width per layer" class="chart bits">`];
  shown.forEach((c, i) => {
    parts.push(`<text x="${nameWidth + i * cellW + cellW / 2}" y="18" text-anchor="middle" class="col-head">${escapeXml(c.label)}</text>`);
  });
  layers.forEach((layer, r) => {
    const y = headH + r * rowH;
    const shortName = layer.name.length > 30 ? '…' + layer.name.slice(-29) : layer.name;
    parts.push(`<text x="${nameWidth - 8}" y="${y + 12}" text-anchor="end" class="row-head"><title>${escapeXml(layer.name)} (${escapeXml(layer.op)})</title>${escapeXml(shortName)}</text>`);
    shown.forEach((c, i) => {
      const pair = c.layerBits[layer.name];
      const x = nameWidth + i * cellW;
      const w = pair?.w ?? null;
      const a = pair?.a ?? null;
      parts.push(`<rect x="${x + 2}" y="${y + 1}" width="${cellW / 2 - 3}" height="${rowH - 3}" fill="${pair ? colour(w) : 'none'}" rx="2"/>`);
      parts.push(`<rect x="${x + cellW / 2}" y="${y + 1}" width="${cellW / 2 - 3}" height="${rowH - 3}" fill="${pair ? colour(a) : 'none'}" opacity="0.7" rx="2"/>`);
      parts.push(`<text x="${x + cellW / 2}" y="${y + 12}" text-anchor="middle" class="cell">${escapeXml(cellText(pair))}</text>`);
      const ref = reference?.layerBits[layer.name];
      if (c.kind === 'mixed' && ref && pair && (ref.w !== pair.w || ref.a !== pair.a)) {
        parts.push(`<circle cx="${x + cellW - 1}" cy="${y + 8}" r="2.5" class="diff"><title>differs from ${escapeXml(reference?.label ?? '')}</title></circle>`);
      }
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

export const BIT_LEGEND = Object.entries(BIT_COLOURS);
