/**
 * Per-layer latency tables from runtime profiles, in the format the search's latency cost model
 * reads (src-main/engine/search/cost/latencyTable.ts): `{ base, layers: { layer: { FP32: ms, W8A8: ms } } }`.
 *
 * Profiled per-node times do not add up to the end-to-end time (the profiler adds overhead, the
 * profile session fuses less than the timed one), so node times are scaled so that the FP32 layers
 * plus `base` equal the measured end-to-end median. Later end-to-end measurements of configurations
 * correct the table again (`correctLatencyTable`) until prediction and measurement agree.
 */
import type { LatencyTable } from '../../api/index.js';

export interface ProfileInput {
  /** Quantizable layer names (ModelInfo.layers[].name). */
  layers: string[];
  /**
   * Input activation tensors per layer (ModelInfo.layers[].inputs). With them, the nodes that
   * quantize a layer's input in a variant (QuantizeLinear/DequantizeLinear, or the float fake-quant
   * chain Div/Round/Clip/Mul of wider formats) count for that layer instead of being lost.
   */
  layerInputs?: Record<string, string[]>;
  /** Per-node times by precision key ("FP32", "W8A8" ...), each from one profiled model. */
  profiles: Record<string, Record<string, number>>;
  /** Measured end-to-end median of the FP32 model (ms). */
  endToEndMs: number;
}

/** Node names a QDQ-fused layer may carry in a profile (onnxruntime keeps or suffixes the name). */
function nodeTime(nodeMs: Record<string, number>, layer: string): number | undefined {
  return nodeMs[layer] ?? nodeMs[`${layer}_quant`] ?? nodeMs[`${layer}_fused`];
}

/** Exporters name quantizer nodes after their tensor, raw or with '/' and '.' made '_'. */
function tensorPrefixes(tensor: string): string[] {
  return [`${tensor}_`, `${tensor.replace(/[/.]/g, '_')}_`];
}

/** Time of a variant's nodes that quantize each layer's inputs, split among the layers reading a tensor. */
function quantizerTimes(nodeMs: Record<string, number>, layerInputs: Record<string, string[]>, layers: Set<string>): Record<string, number> {
  const readers = new Map<string, string[]>();
  for (const [layer, inputs] of Object.entries(layerInputs)) for (const t of inputs) readers.set(t, [...(readers.get(t) ?? []), layer]);
  const out: Record<string, number> = {};
  for (const [node, ms] of Object.entries(nodeMs)) {
    if (layers.has(node)) continue;
    const tensor = [...readers.keys()].find((t) => tensorPrefixes(t).some((p) => node.startsWith(p)));
    if (!tensor) continue;
    const owners = readers.get(tensor)!;
    for (const layer of owners) out[layer] = (out[layer] ?? 0) + ms / owners.length;
  }
  return out;
}

/** Builds the table; returns it with the scale applied to profiled times. */
export function buildLatencyTable(input: ProfileInput): { table: LatencyTable; scale: number } {
  const fp32 = input.profiles.FP32;
  if (!fp32) throw new Error('an FP32 profile is needed to anchor the table');
  const profiledTotal = Object.values(fp32).reduce((s, x) => s + x, 0);
  const scale = profiledTotal > 0 ? input.endToEndMs / profiledTotal : 1;
  const layerSet = new Set(input.layers);
  const layers: LatencyTable['layers'] = {};
  const quant = Object.fromEntries(
    Object.entries(input.profiles).map(([key, nodeMs]) => [key, key === 'FP32' || !input.layerInputs ? {} : quantizerTimes(nodeMs, input.layerInputs, layerSet)]),
  );
  for (const layer of input.layers) {
    const entry: Record<string, number> = {};
    for (const [key, nodeMs] of Object.entries(input.profiles)) {
      const t = nodeTime(nodeMs, layer);
      if (t !== undefined) entry[key] = (t + (quant[key][layer] ?? 0)) * scale;
    }
    layers[layer] = entry;
  }
  const baseProfiled = Object.entries(fp32).filter(([n]) => !layerSet.has(n)).reduce((s, [, x]) => s + x, 0);
  return { table: { base: baseProfiled * scale, layers }, scale };
}

/** A table's prediction for one configuration: base + each layer at its key (FP32 fallback). */
export function predictLatency(table: LatencyTable, keys: Record<string, string>): number {
  let total = table.base ?? 0;
  for (const [layer, entries] of Object.entries(table.layers)) total += entries[keys[layer] ?? 'FP32'] ?? entries.FP32 ?? 0;
  return total;
}

export interface Observation {
  predictedMs: number;
  measuredMs: number;
}

/**
 * Corrects a table from end-to-end measurements: one multiplicative factor applied to every entry
 * and the base. The factor is the one that minimises `predictionError` (the mean relative error):
 * with r = measured/predicted, that error is the mean of (1/r)·|factor − r|, so the best factor is
 * the median of the ratios weighted by 1/r. Factor 1 is among the candidates it beats, so a
 * correction never predicts the observations it was fitted on worse than the raw table, and one
 * noisy point cannot drag it far (a plain median of the ratios could do both).
 */
export function correctLatencyTable(table: LatencyTable, observations: Observation[]): { table: LatencyTable; factor: number } {
  const factor = weightedMedianRatio(observations);
  if (factor === 1) return { table, factor };
  const layers: LatencyTable['layers'] = {};
  for (const [layer, entries] of Object.entries(table.layers)) {
    layers[layer] = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v * factor]));
  }
  return { table: { ...table, base: (table.base ?? 0) * factor, layers }, factor };
}

function weightedMedianRatio(observations: Observation[]): number {
  const ratios = observations.filter((o) => o.predictedMs > 0 && o.measuredMs > 0).map((o) => o.measuredMs / o.predictedMs).sort((a, b) => a - b);
  if (ratios.length === 0) return 1;
  const total = ratios.reduce((s, r) => s + 1 / r, 0);
  let below = 0;
  for (const r of ratios) {
    below += 1 / r;
    if (below >= total / 2) return r;
  }
  return ratios[ratios.length - 1];
}

/** Mean absolute relative error of predictions against measurements. */
export function predictionError(observations: Observation[]): number {
  if (observations.length === 0) return 0;
  return observations.reduce((s, o) => s + Math.abs(o.predictedMs - o.measuredMs) / o.measuredMs, 0) / observations.length;
}
