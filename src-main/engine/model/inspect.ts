/** `inspect`: the ModelInfo of a model file (layers, params, MACs, quantizer groups). */
import type { ModelInfo } from '../../api/quant.js';
import { loadModel } from './loadModel.js';

/** Loads a model and describes it; `sampleDims` fixes free non-batch input dimensions. */
export async function inspectModel(path: string, options: { sampleDims?: number[] } = {}): Promise<ModelInfo> {
  return (await loadModel(path, options)).info;
}
