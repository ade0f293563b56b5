/**
 * Self-contained HTML report: one file, inline CSS and inline SVG charts, no script and no remote
 * resource, so it opens anywhere and prints cleanly (the PDF is this page printed by Chromium).
 */
import type { ReportConfigRow, ReportModel } from '../api/index.js';
import { renderLatencyChart } from '../api/present/latencyChart.js';
import { BIT_LEGEND, renderLayerBitsChart } from '../api/present/layerBitsChart.js';
import { renderParetoChart } from '../api/present/paretoChart.js';
import { CHART_CSS } from '../api/present/chartStyle.js';
import { escapeXml as e } from '../api/present/escape.js';
import { formatBytes, formatCost, formatCount, formatDb, formatMs, formatPercent } from '../api/present/format.js';

const STYLE = `
:root { color-scheme: light; --text:#1b1f27; --muted:#5d6575; --border:#d9dde4; --accent:#2f5bd3; --accent-bg:#cbd8fb; --ok:#1f9d55; --bad:#c0392b; --warn:#b7791f; --chart-grid:#eceff3; --chart-axis:#9aa1ad; }
* { box-sizing: border-box; }
body { font: 13px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: var(--text); margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 32px 36px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 16px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); break-after: avoid; }
.sub { color: var(--muted); margin: 0 0 18px; }
ul.summary { padding-left: 18px; margin: 8px 0; }
ul.summary li { margin: 3px 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.mixed td { background: #eef3ff; font-weight: 600; }
dl.setup { display: grid; grid-template-columns: 190px 1fr; gap: 3px 14px; margin: 0; }
dl.setup dt { color: var(--muted); }
dl.setup dd { margin: 0; word-break: break-all; }
${CHART_CSS}
.legend { display: flex; flex-wrap: wrap; gap: 10px; color: var(--muted); font-size: 11px; margin: 6px 0; }
.legend span i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.note { color: var(--muted); font-size: 12px; }
footer { margin-top: 36px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--border); padding-top: 8px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
`;

function configTable(rows: ReportConfigRow[], costName: string): string {
  const hasLatency = rows.some((r) => r.latency !== null);
  const hasPredicted = rows.some((r) => r.predictedLatencyMs !== null);
  // The cost column is shown only when the cost is not already one of the BOPs/size columns.
  const showCost = !/^(bops|size)/i.test(costName);
  const head = `<tr><th>Configuration</th><th class="num">Accuracy</th><th class="num">SQNR</th>${showCost ? `<th class="num">${e(costName)}</th>` : ''}<th class="num">BOPs</th><th class="num">Size</th>${hasLatency ? '<th class="num">Latency (median)</th><th class="num">p90</th><th class="num">CV</th>' : ''}${hasPredicted ? '<th class="num">Predicted</th>' : ''}</tr>`;
  const body = rows
    .map((r) => {
      const lat = r.latency;
      return `<tr class="${r.kind}"><td>${e(r.label)}</td><td class="num">${formatPercent(r.accuracy)}</td><td class="num">${formatDb(r.sqnrDb)}</td>${showCost ? `<td class="num">${e(formatCost(r.cost, costName))}</td>` : ''}<td class="num">${formatCount(r.bops)}</td><td class="num">${formatBytes(r.sizeBytes)}</td>${
        hasLatency ? `<td class="num">${formatMs(lat?.median)}${lat?.unstable ? ' ⚠' : ''}</td><td class="num">${formatMs(lat?.p90)}</td><td class="num">${lat ? (lat.cv * 100).toFixed(1) + '%' : '–'}</td>` : ''
      }${hasPredicted ? `<td class="num">${formatMs(r.predictedLatencyMs)}</td>` : ''}</tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderHtmlReport(model: ReportModel): string {
  const costName = model.costAxis.name;
  const latency = renderLatencyChart(model.compared);
  const legend = BIT_LEGEND.map(([bits, colour]) => `<span><i style="background:${colour}"></i>${bits === 'float' ? 'float' : bits + ' bit'}</span>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(model.title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${e(model.title)}</h1>
<p class="sub">Bitbench report · ${e(new Date(model.createdAt).toUTCString())}</p>
<h2>Summary</h2>
<ul class="summary">${model.summary.map((s) => `<li>${e(s)}</li>`).join('')}</ul>
<h2>Mixed against fixed precision</h2>
${configTable(model.compared, costName)}
<h2>Pareto front: accuracy against ${e(costName)}</h2>
${renderParetoChart({ front: model.front, compared: model.compared, costAxisName: `${costName}${model.costAxis.unit ? ` (${model.costAxis.unit})` : ''}` })}
<p class="note">Line: the mixed-precision front found by the search (${model.front.length} points). Diamonds: fixed precision and FP32. Ring: the chosen configuration.</p>
<h2>Bit-width per layer (weights / activations)</h2>
<div class="legend">${legend}<span><i style="background:#c0392b;border-radius:50%"></i>differs from the first fixed baseline</span></div>
${renderLayerBitsChart(model.layers, model.compared)}
${latency ? `<h2>Latency</h2>${latency}<p class="note">Whiskers: min to p99 (an arrow where p99 is off the scale). Box: median to p90. Bar: mean.</p>` : ''}
<h2>How it was measured</h2>
<ul class="summary">${model.measurementNotes.map((s) => `<li>${e(s)}</li>`).join('')}</ul>
<h2>Setup</h2>
<dl class="setup">${model.setup.map((s) => `<dt>${e(s.label)}</dt><dd>${e(s.value)}</dd>`).join('')}</dl>
${model.deviceState.length ? `<h2>Device state</h2><dl class="setup">${model.deviceState.map((s) => `<dt>${e(s.label)}</dt><dd>${e(s.value)}</dd>`).join('')}</dl>` : ''}
<h2>Pareto front points</h2>
${configTable(model.front, costName)}
<footer>${Object.entries(model.versions).map(([k, v]) => `${e(k)} ${e(v)}`).join(' · ')}</footer>
</main></body></html>
`;
}
