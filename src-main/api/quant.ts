/**
 * Plain data shared by the engine, searches, storage, reports and the UI: what a model looks like
 * to the quantizer (layers, quantizer groups) and what a bit-width configuration is. These objects go
 * into SQLite and reports without translation.
 */
import { z } from 'zod';

/** Bits of one quantizer: 2..16, or null for "left in float". */
export const Bits = z.number().int().min(2).max(16).nullable();
export type Bits = z.infer<typeof Bits>;

/** A candidate for a quantizer group: weight bits and activation bits (seed 000's "W8A16" etc.). */
export const BitPair = z.object({ w: Bits, a: Bits });
export type BitPair = z.infer<typeof BitPair>;

/** A quantizable layer as `bitbench inspect` reports it. */
export const LayerInfo = z.object({
  name: z.string(),
  op: z.string(),
  /** Weight tensor shape ([] for activation-only layers such as MatMul between activations). */
  weightShape: z.array(z.number()),
  params: z.number(),
  /** Multiply-accumulates for one sample (batch 1). */
  macs: z.number(),
  /** Input activation tensor names the layer reads through an activation quantizer. */
  inputs: z.array(z.string()),
  output: z.string(),
});
export type LayerInfo = z.infer<typeof LayerInfo>;

/**
 * Quantizers that must share one bit-width candidate: a layer's weight quantizer and its input
 * activation quantizer, all layers reading the same activation, the inputs of an Add or Concat.
 */
export const QuantizerGroup = z.object({
  id: z.string(),
  /** Layers whose weights this group quantizes (by layer name). */
  weightQuantizers: z.array(z.string()),
  /** Activation tensors this group quantizes (by tensor name). */
  activationQuantizers: z.array(z.string()),
  /** Every quantizer, for display: `w:<layer>` and `a:<tensor>`. */
  quantizers: z.array(z.string()),
});
export type QuantizerGroup = z.infer<typeof QuantizerGroup>;

export const TensorInfo = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export type TensorInfo = z.infer<typeof TensorInfo>;

export const ModelInfo = z.object({
  name: z.string(),
  sha256: z.string(),
  opset: z.number(),
  inputs: z.array(TensorInfo),
  outputs: z.array(TensorInfo),
  layers: z.array(LayerInfo),
  groups: z.array(QuantizerGroup),
  params: z.number(),
  macs: z.number(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const CalibrationMethod = z.enum(['minmax', 'percentile', 'mse', 'cosine']);
export type CalibrationMethod = z.infer<typeof CalibrationMethod>;

export const RoundingMethod = z.enum(['nearest', 'adaround', 'gptq']);
export type RoundingMethod = z.infer<typeof RoundingMethod>;

/**
 * A mixed-precision configuration: one candidate per quantizer group. Groups not listed stay in
 * float. `FP32` everywhere is `{groups: {}}`.
 */
export const QuantConfig = z.object({
  groups: z.record(z.string(), BitPair),
  calibration: CalibrationMethod.optional(),
  rounding: RoundingMethod.optional(),
});
export type QuantConfig = z.infer<typeof QuantConfig>;

/** Parses "W8A8", "W4A16", "W4" (activations float), "FP32" into a BitPair. */
export function parseBitPair(text: string): BitPair | null {
  const t = text.trim().toUpperCase();
  if (t === 'FP32' || t === 'FLOAT') return { w: null, a: null };
  const m = /^W(\d+|F|32)(?:A(\d+|F|32))?$/.exec(t);
  if (!m) return null;
  const bits = (s: string | undefined): number | null | undefined => {
    if (s === undefined || s === 'F' || s === '32') return null;
    const n = Number(s);
    return n >= 2 && n <= 16 ? n : undefined;
  };
  const w = bits(m[1]);
  const a = bits(m[2]);
  if (w === undefined || a === undefined) return null;
  return { w, a };
}

/** Formats a BitPair as "W8A8", "W4" (float activations) or "FP32". */
export function formatBitPair(pair: BitPair): string {
  if (pair.w === null && pair.a === null) return 'FP32';
  return `W${pair.w ?? 32}${pair.a === null ? '' : `A${pair.a}`}`;
}
