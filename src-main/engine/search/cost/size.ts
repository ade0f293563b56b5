/**
 * Model size in bytes: every quantized weight at its bit-width, everything else (biases, norms,
 * embeddings outside quantized layers, float weights) at 32 bits. Activations do not count.
 */
import type { ModelInfo } from '../../../api/index.js';
import { effectiveBits } from '../candidates.js';
import type { Assignment } from '../types.js';
import type { CostModel } from './costModel.js';
import { LayerPrecisionResolver, weightCount } from './layerPrecision.js';

export class SizeCostModel implements CostModel {
  readonly kind = 'size' as const;
  readonly unit = 'bytes';
  private readonly resolver: LayerPrecisionResolver;
  private readonly otherParams: number;

  constructor(info: ModelInfo) {
    this.resolver = new LayerPrecisionResolver(info);
    const quantizable = info.layers.reduce((sum, layer) => sum + weightCount(layer), 0);
    this.otherParams = Math.max(0, info.params - quantizable);
  }

  cost(groups: Assignment): number {
    let bits = this.otherParams * 32;
    for (const { layer, weight } of this.resolver.resolve(groups)) bits += weightCount(layer) * effectiveBits(weight);
    return bits / 8;
  }
}
