/** CSV report: one row per configuration (compared ones, then the front), RFC 4180 quoting. */
import type { ReportModel } from '../api/index.js';

function cell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsvReport(model: ReportModel): string {
  const header = ['section', 'label', 'kind', 'accuracy', 'sqnr_db', `cost_${model.costAxis.name.replace(/\W+/g, '_').toLowerCase()}`, 'bops', 'size_bytes', 'latency_median_ms', 'latency_p90_ms', 'latency_cv', 'latency_unstable', 'predicted_latency_ms', 'layer_bits'];
  const rows = [
    ...model.compared.map((r) => ['compared', r] as const),
    ...model.front.map((r) => ['front', r] as const),
  ].map(([section, r]) =>
    [
      section,
      r.label,
      r.kind,
      r.accuracy,
      r.sqnrDb,
      r.cost,
      r.bops,
      r.sizeBytes,
      r.latency?.median,
      r.latency?.p90,
      r.latency?.cv,
      r.latency ? r.latency.unstable : '',
      r.predictedLatencyMs,
      Object.entries(r.layerBits).map(([layer, b]) => `${layer}=W${b.w ?? 'f'}A${b.a ?? 'f'}`).join(' '),
    ]
      .map(cell)
      .join(','),
  );
  return [header.join(','), ...rows].join('\r\n') + '\r\n';
}
