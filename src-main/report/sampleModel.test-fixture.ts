/**
 * A small but complete report model used by the renderer tests: a four-layer network, a three-point
 * front, fixed baselines and latency statistics with one unstable measurement.
 */
import type { ReportConfigRow, ReportModel } from '../api/index.js';

const layers = [
  { name: 'conv1', op: 'Conv', macs: 200_000, params: 300 },
  { name: 'block1.conv_a', op: 'Conv', macs: 1_800_000, params: 2300 },
  { name: 'block1.conv_b', op: 'Conv', macs: 1_800_000, params: 2300 },
  { name: 'fc', op: 'Gemm', macs: 640, params: 650 },
];

function row(label: string, kind: ReportConfigRow['kind'], w: number | null, a: number | null, accuracy: number, cost: number, latencyMedian: number | null, unstable = false): ReportConfigRow {
  return {
    label,
    kind,
    accuracy,
    sqnrDb: w === null ? null : 10 + (w ?? 0) * 2,
    cost,
    bops: cost,
    sizeBytes: 5550 * ((w ?? 32) / 8),
    latency: latencyMedian === null ? null : { unit: 'ms', runs: 50, min: latencyMedian * 0.9, median: latencyMedian, mean: latencyMedian * 1.02, p90: latencyMedian * 1.1, p99: latencyMedian * 1.3, cv: unstable ? 0.21 : 0.03, unstable },
    predictedLatencyMs: latencyMedian === null ? null : latencyMedian * 0.97,
    layerBits: Object.fromEntries(layers.map((l, i) => [l.name, kind === 'mixed' && i === 1 ? { w: 4, a: 8 } : { w, a }])),
  };
}

export const sampleReportModel: ReportModel = {
  title: 'fmnist_resnet20 — Pareto-greedy search <script>alert(1)</script>',
  createdAt: '2026-11-22T02:00:00.000Z',
  versions: { Bitbench: '0.1.0', onnxruntime: '1.30.0', node: '20.20.2' },
  summary: ['Mixed precision reaches 92.51% at 61% of the cost of W8A8.', 'W4A8 at the same cost: 91.60%.'],
  setup: [
    { label: 'Model', value: 'fmnist_resnet20.onnx (sha256 1234abcd)' },
    { label: 'Validation data', value: 'fmnist test, 2000 images' },
  ],
  costAxis: { name: 'BOPs', unit: '' },
  front: [row('front 1', 'front', 8, 8, 0.926, 2.4e8, null), row('front 2', 'front', 6, 8, 0.925, 1.9e8, null), row('front 3', 'front', 4, 8, 0.915, 1.2e8, null)],
  compared: [
    row('Mixed (chosen)', 'mixed', 8, 8, 0.9251, 1.5e8, 1.8),
    row('W8A8', 'fixed', 8, 8, 0.9265, 2.4e8, 2.1),
    row('W4A8', 'fixed', 4, 8, 0.916, 1.2e8, 2.0, true),
    row('FP32', 'fp32', null, null, 0.9267, 9.6e8, 3.5),
  ],
  layers,
  measurementNotes: ['Latency on this computer with onnxruntime-node, 10 warm-up runs, 50 timed runs.'],
  deviceState: [{ label: 'CPU', value: 'x86_64, 2 cores' }],
};
