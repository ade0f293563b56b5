/**
 * The layer output error of several roundings of one layer at once in onnxruntime: the same
 * quantity as reconstructionError (sum over groups and rows of d H d^T), as one batched product.
 * applyRounding reports the error of nearest and of the method's rounding for every (layer, bits);
 * in plain float64 loops those took as long as GPTQ's own rounding on ResNet-20. Products are in
 * float32, row sums in float64: agrees with reconstructionError to ~1e-6 (errorMeter.test.ts).
 */
import type * as ort from 'onnxruntime-node';
import { floatTensor, GraphBuilder } from './graphs/graphBuilder.js';
import { groupedDifference } from './reconstruction.js';
import { groupWeight, type GramMatrices, type WeightLayout } from './layout.js';

/** One session, reused for every layer (its shapes are free). */
export class ErrorMeter {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async open(threads = 2): Promise<ErrorMeter> {
    const g = new GraphBuilder();
    const d = g.input('d', ['g', 'm', 'k']);
    const h = g.input('h', ['g', 'k', 'k']);
    const rows = g.op('ReduceSum', [g.op('Mul', [g.op('MatMul', [d, h]), d]), g.constInt64([2])], { keepdims: 0 });
    return new ErrorMeter(await g.session({ rows }, threads));
  }

  /** Output error per input vector of each levels array (integer levels in the weight's layout). */
  async errors(weight: Float32Array, weightDims: number[], levelsList: Int32Array[], scales: Float32Array, gram: GramMatrices, layout: WeightLayout = 'out-in'): Promise<number[]> {
    const w = groupWeight(weight, weightDims, layout, gram, scales);
    const { groups, rows, cols } = w;
    const count = levelsList.length;
    // D [G, count * R, K]: within a group, the rows of each rounding one after the other.
    const d = new Float32Array(groups * count * rows * cols);
    levelsList.forEach((levels, c) => {
      const diff = groupedDifference(w, levels, weightDims, layout);
      for (let g = 0; g < groups; g++) d.set(diff.subarray(g * rows * cols, (g + 1) * rows * cols), (g * count + c) * rows * cols);
    });
    const out = await this.session.run({ d: floatTensor(d, [groups, count * rows, cols]), h: floatTensor(Float32Array.from(gram.data), [groups, cols, cols]) });
    const perRow = out.rows.data as Float32Array;
    const totals = new Array<number>(count).fill(0);
    for (let g = 0; g < groups; g++) for (let c = 0; c < count; c++) for (let r = 0; r < rows; r++) totals[c] += perRow[(g * count + c) * rows + r];
    return totals;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
