/**
 * A quantization plan: the resolved numbers for one configuration (activation scale/zero point per
 * quantized tensor, integer weight levels and scales per quantized layer). Plain data between the
 * simulator, which resolves it, and the graph rewrite, which only follows it.
 */
import type { AffineParams } from '../quant/arithmetic.js';
import type { QuantizedWeight } from '../quant/weights.js';

export interface ActivationPlan extends AffineParams {
  tensor: string;
}

export interface WeightPlan extends QuantizedWeight {
  layer: string;
}

export interface QuantPlan {
  activations: ActivationPlan[];
  weights: WeightPlan[];
}

/**
 * How a layer runs in the quantized model (what the export manifest reports). 'int8-values/fp32-kernel':
 * weights and inputs on 8-bit grids, computed by a float kernel on float constants S_w*q (a
 * convolution whose output goes to a quantizer wider than 8 bits, which onnxruntime's integer
 * convolution cannot produce; see qdqGraph.ts).
 */
export type LayerFormat = 'int8' | 'int8-values/fp32-kernel' | 'int8-weights/int16-activations' | 'int16' | 'fp32-weights/int-activations' | 'int-weights/fp32-activations' | 'fp32';
