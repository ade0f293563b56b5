/**
 * Builds the report model of a finished studio search run from what the history stored: the
 * search result (front, chosen point, baselines, the model's layers and groups) and the latency
 * measurements (joined to configurations by their content hash).
 */
import type { BitPair, LayerInfo, QuantConfig, QuantizerGroup, ReportConfigRow, ReportModel, RunDetail, StoredMeasurement } from '../api/index.js';
import { formatBitPair } from '../api/index.js';
import { formatBytes, formatCount, formatMs, formatPercent } from '../api/present/format.js';

/** The parts of a stored studio search result a report reads (see jobs/executors/studioSearch.ts). */
export interface SearchRunResultView {
  method: string;
  costKind: string;
  costUnit: string;
  reference: { accuracy: number | null; targetAccuracy: number | null; maxDropPercent: number };
  front: Array<{ cost: number; accuracy: number | null; sqnrDb: number | null; bops: number; sizeBytes: number; config: QuantConfig; evaluated: boolean }>;
  chosen: { cost: number; accuracy: number | null; sqnrDb: number | null; bops: number; sizeBytes: number; config: QuantConfig } | null;
  chosenWithinDrop: boolean;
  baselines: Array<{ bits: string; cost: number; accuracy: number | null; sqnrDb: number | null; bops: number; sizeBytes: number; config: QuantConfig }>;
  evaluations: number;
  evaluationsUsed: number;
  seconds: number;
  binarySearch?: { points: number; evaluations: number; bound: number };
  sensitivity?: { kendallTau: number | null };
  data?: { calibration: { name: string; size: number }; validation: { name: string; size: number }; phase1Samples: number };
  /** Storage format the search simulated (absent in runs from before formats existed). */
  format?: { opset: number; sourceOpset: number; lowBitWeights: string; float: string };
  request?: { candidates: string[]; rounding: string; calibration: string; maxDrop: number; data: string; calib?: string; device?: string };
  modelLayout: { layers: LayerInfo[]; groups: QuantizerGroup[] };
  measurements: Array<{ label: string; kind: 'mixed' | 'fixed' | 'fp32'; configHash: string; deviceName: string }>;
  /** Present when the search's cost was latency measured on the device (jobs/executors/latencyLoop.ts). */
  latencyLoop?: {
    rounds: Array<{ round: number; observations: Array<{ label: string; predictedMs: number; measuredMs: number }>; error: number; correction: number }>;
    predictedMs: Record<string, number>;
  } | null;
}

/** True when a run's stored result has what a search report needs. */
export function isSearchRunResult(result: unknown): result is SearchRunResultView {
  const r = result as Partial<SearchRunResultView> | null;
  return !!r && Array.isArray(r.front) && Array.isArray(r.baselines) && !!r.modelLayout && Array.isArray(r.measurements);
}

/** Bits of every layer under a configuration: a layer takes its weight group's W and its input group's A. */
export function layerBitsOf(config: QuantConfig, layers: LayerInfo[], groups: QuantizerGroup[]): Record<string, BitPair> {
  const out: Record<string, BitPair> = {};
  for (const layer of layers) {
    const wGroup = groups.find((g) => g.weightQuantizers.includes(layer.name));
    const aGroup = groups.find((g) => layer.inputs.some((t) => g.activationQuantizers.includes(t)));
    const w = wGroup ? (config.groups[wGroup.id]?.w ?? null) : null;
    const a = aGroup ? (config.groups[aGroup.id]?.a ?? null) : null;
    out[layer.name] = { w, a };
  }
  return out;
}

export interface ReportContext {
  run: RunDetail;
  result: SearchRunResultView;
  /** Content hash of a configuration (the store's), to join measurements. */
  hashOf(config: QuantConfig): string;
  generatedAt?: string;
}

/** Builds the report model of a finished search run. */
export function buildSearchReport(ctx: ReportContext): ReportModel {
  const { run, result } = ctx;
  const { layers, groups } = result.modelLayout;
  const measurementsByHash = new Map<string, StoredMeasurement>();
  for (const m of run.measurements) if (m.configHash) measurementsByHash.set(m.configHash, m);
  const costName = costAxisName(result.costKind);

  const row = (label: string, kind: ReportConfigRow['kind'], e: { cost: number; accuracy: number | null; sqnrDb: number | null; bops: number; sizeBytes: number; config: QuantConfig }): ReportConfigRow => {
    const m = measurementsByHash.get(ctx.hashOf(e.config));
    return {
      label,
      kind,
      accuracy: e.accuracy,
      sqnrDb: e.sqnrDb !== null && Number.isFinite(e.sqnrDb) ? e.sqnrDb : null,
      cost: e.cost,
      bops: e.bops,
      sizeBytes: e.sizeBytes,
      latency: m ? { unit: 'ms', runs: m.iterations, min: m.minMs, median: m.medianMs, mean: m.meanMs, p90: m.p90Ms, p99: m.p99Ms, cv: m.cv, unstable: m.unstable } : null,
      predictedLatencyMs: result.latencyLoop?.predictedMs[ctx.hashOf(e.config)] ?? null,
      layerBits: layerBitsOf(e.config, layers, groups),
    };
  };

  const fp32Baseline = result.baselines.find((b) => b.bits === 'FP32');
  const compared: ReportConfigRow[] = [];
  if (result.chosen) compared.push(row('Mixed (chosen)', 'mixed', result.chosen));
  for (const b of result.baselines) if (b.bits !== 'FP32') compared.push(row(b.bits, 'fixed', b));
  const fp32Measurement = result.measurements.find((m) => m.kind === 'fp32');
  const fp32Bops = layers.reduce((s, l) => s + l.macs * 32 * 32, 0);
  const fp32Size = layers.reduce((s, l) => s + l.params * 4, 0);
  const fp32Row: ReportConfigRow = {
    ...row('FP32', 'fp32', fp32Baseline ?? { cost: result.costKind === 'size' ? fp32Size : fp32Bops, accuracy: result.reference.accuracy, sqnrDb: null, bops: fp32Bops, sizeBytes: fp32Size, config: { groups: {} } }),
  };
  if (fp32Measurement && !fp32Row.latency) {
    const m = measurementsByHash.get(fp32Measurement.configHash);
    if (m) fp32Row.latency = { unit: 'ms', runs: m.iterations, min: m.minMs, median: m.medianMs, mean: m.meanMs, p90: m.p90Ms, p99: m.p99Ms, cv: m.cv, unstable: m.unstable };
  }
  compared.push(fp32Row);

  const front = [...result.front]
    .filter((f) => f.evaluated || f.accuracy !== null)
    .sort((a, b) => a.cost - b.cost)
    .map((f, i) => row(`front ${i + 1}: ${describeMix(f.config)}`, 'front', f));

  return {
    title: run.title,
    createdAt: ctx.generatedAt ?? new Date().toISOString(),
    versions: { Bitbench: run.versions.app ?? '?', ...Object.fromEntries(Object.entries(run.versions).filter(([k]) => k !== 'app')) },
    summary: summaryLines(result, compared, costName),
    setup: [
      { label: 'Model', value: `${run.model.name} (sha256 ${run.model.sha256.slice(0, 16)}…), ${layers.length} quantizable layers, ${groups.length} quantizer groups` },
      { label: 'Validation data', value: result.data ? `${result.data.validation.name}, ${result.data.validation.size} samples` : (run.dataset?.name ?? '–') },
      { label: 'Calibration data', value: result.data ? `${result.data.calibration.name}, ${result.data.calibration.size} samples (phase 1 on ${result.data.phase1Samples})` : '–' },
      { label: 'Method', value: `${result.method}, candidates ${result.request?.candidates.join(', ') ?? '–'}, cost ${costName}` },
      { label: 'Accuracy budget', value: `at most ${result.reference.maxDropPercent} points below FP32 (${formatPercent(result.reference.accuracy)} → target ${formatPercent(result.reference.targetAccuracy)})` },
      { label: 'Rounding / calibration', value: `${result.request?.rounding ?? 'nearest'} / ${result.request?.calibration ?? '–'}` },
      ...(result.format ? [{ label: 'Simulated format', value: `opset ${result.format.opset}${result.format.opset !== result.format.sourceOpset ? ` (upgraded from ${result.format.sourceOpset})` : ''}, weights of 4 bits or fewer stored ${result.format.lowBitWeights.toUpperCase()}, float layers ${result.format.float.toUpperCase()}` }] : []),
      { label: 'Device', value: run.device ? `${run.device.name}${run.device.host ? ` (${run.device.host})` : ''}` : 'this computer' },
      { label: 'Evaluations', value: `${result.evaluationsUsed} used (${result.evaluations} run now), ${result.seconds.toFixed(1)} s of search` },
      { label: 'Run', value: `#${run.id}, ${run.status}, created ${run.createdAt}` },
    ],
    costAxis: { name: costName, unit: result.costUnit === 'ms' ? 'ms' : '' },
    front,
    compared,
    layers: layers.map((l) => ({ name: l.name, op: l.op, macs: l.macs, params: l.params })),
    measurementNotes: measurementNotes(run),
    deviceState: deviceStateLines(run),
  };
}

function costAxisName(kind: string): string {
  return kind === 'size' ? 'Size' : kind === 'latency' ? 'Latency' : 'BOPs';
}

function describeMix(config: QuantConfig): string {
  const counts = new Map<string, number>();
  for (const p of Object.values(config.groups)) counts.set(formatBitPair(p), (counts.get(formatBitPair(p)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}×${k}`).join(' ');
}

function summaryLines(result: SearchRunResultView, compared: ReportConfigRow[], costName: string): string[] {
  const lines: string[] = [];
  const chosen = compared.find((r) => r.kind === 'mixed');
  const fp32 = compared.find((r) => r.kind === 'fp32');
  if (chosen) {
    lines.push(`The chosen mixed configuration reaches ${formatPercent(chosen.accuracy)} top-1 (FP32 ${formatPercent(fp32?.accuracy ?? null)}) at ${formatCount(chosen.bops)} BOPs and ${formatBytes(chosen.sizeBytes)} of weights${result.chosenWithinDrop ? ', within the allowed drop' : ', the best found, though outside the allowed drop'}.`);
    for (const fixed of compared.filter((r) => r.kind === 'fixed')) {
      const ratio = fixed.cost > 0 ? chosen.cost / fixed.cost : NaN;
      const acc = chosen.accuracy !== null && fixed.accuracy !== null ? (chosen.accuracy - fixed.accuracy) * 100 : null;
      lines.push(`Against fixed ${fixed.label}: ${acc === null ? '–' : `${acc >= 0 ? '+' : ''}${acc.toFixed(2)} points`} accuracy at ${Number.isFinite(ratio) ? (ratio * 100).toFixed(0) : '–'}% of its ${costName}${chosen.latency && fixed.latency ? `; measured latency ${formatMs(chosen.latency.median)} vs ${formatMs(fixed.latency.median)}` : ''}.`);
    }
  } else {
    lines.push('The search found no configuration to choose.');
  }
  for (const round of result.latencyLoop?.rounds ?? []) {
    const checks = round.observations.map((o) => `${o.label} predicted ${formatMs(o.predictedMs)}, measured ${formatMs(o.measuredMs)}`).join('; ');
    lines.push(`Latency round ${round.round}: ${checks} (mean error ${(round.error * 100).toFixed(1)}%${round.correction !== 1 ? `; table corrected ×${round.correction.toFixed(3)}` : ''}).`);
  }
  if (result.binarySearch) lines.push(`The binary search along the ${result.binarySearch.points}-point front used ${result.binarySearch.evaluations} full evaluations (bound ${result.binarySearch.bound}).`);
  const unstable = compared.filter((r) => r.latency?.unstable).map((r) => r.label);
  if (unstable.length) lines.push(`Unstable latency measurements (high spread or a changing device state): ${unstable.join(', ')}. Treat those figures with care.`);
  return lines;
}

function measurementNotes(run: RunDetail): string[] {
  if (run.measurements.length === 0) return ['No latency was measured for this run.'];
  const m = run.measurements[0];
  return [
    `Latency measured on ${m.deviceName} with ${m.runtime}: ${m.warmup} warm-up runs, then ${m.iterations} timed runs of batch 1 per configuration; statistics over the timed runs (min, median, mean, p90, p99, coefficient of variation).`,
    'Each configuration was exported as a QDQ ONNX model exactly as simulated (quantized weights restricted to the configuration’s grid) and run by the device’s runtime.',
    'A measurement is flagged unstable when its coefficient of variation is high or the device state (load, clocks, temperature) changed during it.',
  ];
}

function deviceStateLines(run: RunDetail): ReportModel['deviceState'] {
  const m = run.measurements.find((x) => x.deviceState);
  const state = m?.deviceState as { before?: DeviceStateView; after?: DeviceStateView } | undefined;
  if (!state?.before) return [];
  const { before, after } = state;
  const lines: ReportModel['deviceState'] = [];
  const pair = (label: string, a: string | null, b: string | null) => {
    if (a === null && b === null) return;
    lines.push({ label, value: b === null || a === b ? (a ?? '–') : `${a ?? '–'} before, ${b} after` });
  };
  const mhz = (s?: DeviceStateView) => (s?.cpuMHz?.length ? `${Math.min(...s.cpuMHz).toFixed(0)}–${Math.max(...s.cpuMHz).toFixed(0)} MHz` : null);
  const temp = (s?: DeviceStateView) => (s?.thermal?.length ? s.thermal.map((t) => `${t.name} ${t.celsius.toFixed(0)} °C`).join(', ') : null);
  pair('Load (1 min)', before.load1?.toFixed(2) ?? null, after?.load1?.toFixed(2) ?? null);
  pair('CPU clocks', mhz(before), mhz(after));
  pair('GPU clock', before.gpuMHz ? `${before.gpuMHz} MHz` : null, after?.gpuMHz ? `${after.gpuMHz} MHz` : null);
  pair('Temperatures', temp(before), temp(after));
  pair('Power mode', before.powerMode ?? null, after?.powerMode ?? null);
  if (before.at) lines.push({ label: 'Read at', value: `${before.at}${after?.at ? ` and ${after.at}` : ''} (first measurement)` });
  return lines;
}

interface DeviceStateView {
  at?: string;
  cpuMHz?: number[];
  gpuMHz?: number | null;
  thermal?: Array<{ name: string; celsius: number }>;
  load1?: number | null;
  powerMode?: string | null;
}
