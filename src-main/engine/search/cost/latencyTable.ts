/**
 * Latency lookup table: measured per-layer latency per precision, summed into an end-to-end
 * estimate. The device layer fills the table from real measurements; here it is just data.
 *
 * JSON format (the api's `LatencyTable`, plus two optional fields), all times in milliseconds:
 *
 *   {
 *     "base": 0.42,                      // ms outside the listed layers (I/O, unquantized ops)
 *     "device": "jetson-nano-maxn",      // optional, for display
 *     "modelSha256": "…",                // optional; when present it must match the model
 *     "layers": {                        // milliseconds per layer and precision
 *       "<layer name as in ModelInfo.layers>": { "W8A8": 0.110, "W4A8": 0.090, "FP32": 0.300 }
 *     }
 *   }
 *
 * Precision keys: for a layer with weights, formatBitPair({ w, a }) of its weight bits and its
 * first input's activation bits ("W8A8", "W4A16", "W8" for float activations, "FP32"); for a
 * layer without weights (a MatMul of two activations) "A<bits>" or "FP32". A layer whose key is
 * missing falls back to its "FP32" entry (a runtime that cannot run a precision fast runs it in
 * float); a layer missing from the table, or without either entry, is an error naming both.
 */
import { z } from 'zod';
import { BitbenchError, formatBitPair, type LatencyTable as ApiLatencyTable, type ModelInfo } from '../../../api/index.js';
import type { Assignment } from '../types.js';
import type { CostModel } from './costModel.js';
import { LayerPrecisionResolver, type LayerPrecision } from './layerPrecision.js';

/** Runtime validation of the JSON format above (times must be finite and not negative). */
export const LatencyTableSchema = z.object({
  base: z.number().min(0).optional(),
  device: z.string().optional(),
  modelSha256: z.string().optional(),
  layers: z.record(z.string(), z.record(z.string(), z.number().min(0))),
});
/** The api's table with the optional fields this module also understands. */
export type LatencyTable = ApiLatencyTable & { device?: string; modelSha256?: string };

/** Validates parsed JSON as a latency table; INVALID_CONFIG with the first problem otherwise. */
export function parseLatencyTable(json: unknown, source = 'latency table'): LatencyTable {
  const parsed = LatencyTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BitbenchError('INVALID_CONFIG', `The ${source} is not valid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}.`, 'See the format in src-main/engine/search/cost/latencyTable.ts: {"base": 0.4, "layers": {"<layer>": {"W8A8": 0.1, "FP32": 0.3}}}.');
  }
  return parsed.data;
}

/** The table key of a layer's precision. */
export function latencyKey(precision: LayerPrecision): string {
  if (precision.layer.weightShape.length > 0) return formatBitPair({ w: precision.weight, a: precision.inputs[0] ?? null });
  const a = precision.inputs[0] ?? null;
  return a === null ? 'FP32' : `A${a}`;
}

export class LatencyCostModel implements CostModel {
  readonly kind = 'latency' as const;
  readonly unit = 'ms';
  private readonly resolver: LayerPrecisionResolver;

  constructor(
    info: ModelInfo,
    private readonly table: LatencyTable,
  ) {
    if (table.modelSha256 !== undefined && table.modelSha256 !== info.sha256) {
      throw new BitbenchError('INVALID_CONFIG', `The latency table was measured for another model (sha256 ${table.modelSha256.slice(0, 12)}…, this is ${info.sha256.slice(0, 12)}…).`, 'Measure this model on the device to build its own table.');
    }
    const missing = info.layers.filter((layer) => table.layers[layer.name] === undefined).map((l) => l.name);
    if (missing.length > 0) {
      throw new BitbenchError('INVALID_CONFIG', `The latency table has no entry for layer ${missing[0]}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}.`, 'Measure every quantizable layer, or regenerate the table for this model.');
    }
    this.resolver = new LayerPrecisionResolver(info);
  }

  cost(groups: Assignment): number {
    let total = this.table.base ?? 0;
    for (const precision of this.resolver.resolve(groups)) {
      const entries = this.table.layers[precision.layer.name];
      const key = latencyKey(precision);
      const ms = entries[key] ?? entries['FP32'];
      if (ms === undefined) {
        throw new BitbenchError('INVALID_CONFIG', `The latency table has no ${key} (nor FP32) time for layer ${precision.layer.name}.`, `Add "${key}" or "FP32" under layers.${precision.layer.name}, or drop that candidate.`);
      }
      total += ms;
    }
    return total;
  }
}
