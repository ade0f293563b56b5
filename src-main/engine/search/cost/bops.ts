/**
 * Bit operations: per layer, MACs x (bits of the first operand) x (bits of the second operand).
 * For a layer with weights the operands are its weights and its input activation; for a product of
 * two activations (attention MatMul) both are activations. Float operands count as 32 bits.
 */
import type { ModelInfo } from '../../../api/index.js';
import { effectiveBits } from '../candidates.js';
import type { Assignment } from '../types.js';
import type { CostModel } from './costModel.js';
import { LayerPrecisionResolver } from './layerPrecision.js';

export class BopsCostModel implements CostModel {
  readonly kind = 'bops' as const;
  readonly unit = 'BOPs';
  private readonly resolver: LayerPrecisionResolver;

  constructor(info: ModelInfo) {
    this.resolver = new LayerPrecisionResolver(info);
  }

  cost(groups: Assignment): number {
    let total = 0;
    for (const { layer, weight, inputs } of this.resolver.resolve(groups)) {
      const operands = layer.weightShape.length > 0 ? [weight, inputs[0] ?? null] : [inputs[0] ?? null, inputs[1] ?? null];
      total += layer.macs * effectiveBits(operands[0]) * effectiveBits(operands[1]);
    }
    return total;
  }
}
