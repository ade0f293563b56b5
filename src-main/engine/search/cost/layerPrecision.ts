/**
 * Which bits each layer ends up with under a group assignment: a layer's weight bits come from the
 * group holding its weight quantizer, its input activation bits from the group holding the
 * quantizer of that input tensor. Quantizers in no assigned group stay in float.
 */
import type { Bits, LayerInfo, ModelInfo } from '../../../api/index.js';
import type { Assignment } from '../types.js';

/** The precision one layer computes at. `inputs` follows `LayerInfo.inputs`. */
export interface LayerPrecision {
  layer: LayerInfo;
  weight: Bits;
  inputs: Bits[];
}

/** Precomputed quantizer-to-group lookups for one model, reused for every cost query. */
export class LayerPrecisionResolver {
  private readonly weightGroup = new Map<string, string>();
  private readonly activationGroup = new Map<string, string>();

  constructor(readonly info: ModelInfo) {
    for (const group of info.groups) {
      for (const layer of group.weightQuantizers) this.weightGroup.set(layer, group.id);
      for (const tensor of group.activationQuantizers) this.activationGroup.set(tensor, group.id);
    }
  }

  /** Bits of every layer under `groups`, in model layer order. */
  resolve(groups: Assignment): LayerPrecision[] {
    return this.info.layers.map((layer) => {
      const wg = this.weightGroup.get(layer.name);
      const weight = layer.weightShape.length > 0 && wg !== undefined ? (groups[wg]?.w ?? null) : null;
      const inputs = layer.inputs.map((tensor) => {
        const ag = this.activationGroup.get(tensor);
        return ag !== undefined ? (groups[ag]?.a ?? null) : null;
      });
      return { layer, weight, inputs };
    });
  }
}

/** Number of weight elements of a layer (its parameters without the bias). */
export function weightCount(layer: LayerInfo): number {
  return layer.weightShape.length === 0 ? 0 : layer.weightShape.reduce((a, b) => a * b, 1);
}
