/**
 * The styles of the shared SVG charts, used by the HTML/PDF reports and by the UI alike. Colours
 * come from CSS variables each host defines (light only in reports; light and dark in the UI):
 * --text, --muted, --accent, --accent-bg, --ok, --bad, --warn, --chart-grid, --chart-axis.
 */
export const CHART_CSS = `
.chart { max-width: 100%; height: auto; font-size: 11px; }
.chart .grid { stroke: var(--chart-grid); }
.chart .axis { stroke: var(--chart-axis); }
.chart .tick { fill: var(--muted); }
.chart .label { fill: var(--text); font-weight: 600; }
.chart .front-line { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .front-point { fill: var(--accent); }
.chart .chosen { fill: none; stroke: var(--ok); stroke-width: 3; }
.chart .fixed { fill: #e9a23b; }
.chart .fp32 { fill: var(--muted); }
.chart .point-label { fill: var(--text); font-size: 11px; }
.chart .col-head { font-weight: 600; fill: var(--text); }
.chart .row-head { fill: var(--muted); font-size: 10.5px; }
.chart .cell { font-size: 10px; fill: #111; }
.chart .diff { fill: var(--bad); }
.chart .whisker { stroke: var(--muted); stroke-width: 1.5; }
.chart .box { fill: var(--accent-bg); stroke: var(--accent); }
.chart .box.unstable { fill: color-mix(in srgb, var(--warn) 25%, transparent); stroke: var(--warn); stroke-dasharray: 3 2; }
.chart .mean { stroke: var(--text); stroke-width: 2; }
`;
