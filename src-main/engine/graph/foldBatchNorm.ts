/**
 * Canonicalization step 2: fold BatchNormalization into the Conv or Gemm that feeds it, so the
 * folded weights are what gets quantized (as a device would run them).
 *
 *     x -> Conv(W, b) -> y -> BatchNorm(g, beta, mean, var) -> z
 *   becomes
 *     x -> Conv(W * k, (b - mean) * k + beta) -> z        with k = g / sqrt(var + eps) per channel
 *
 * Only when y has no other reader and all BN parameters are constants.
 */
import { type Graph, type Node, attrFloat, attrInt } from '../onnx/ir.js';
import { tensorAsFloat, floatTensor } from '../onnx/tensor.js';

function consumers(graph: Graph, tensor: string): Node[] {
  return graph.nodes.filter((n) => n.inputs.includes(tensor));
}

/** Folds every foldable BatchNormalization (in place); returns the number folded. */
export function foldBatchNorm(graph: Graph): number {
  const producers = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) producers.set(o, n);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const removed = new Set<Node>();
  for (const bn of graph.nodes) {
    if (bn.opType !== 'BatchNormalization' || bn.outputs.length > 1 && bn.outputs.slice(1).some((o) => o !== '')) continue;
    const layer = producers.get(bn.inputs[0]);
    if (!layer || (layer.opType !== 'Conv' && layer.opType !== 'Gemm')) continue;
    if (graphOutputs.has(bn.inputs[0]) || consumers(graph, bn.inputs[0]).length !== 1) continue;
    const params = bn.inputs.slice(1, 5).map((name) => graph.initializers.get(name));
    const weight = graph.initializers.get(layer.inputs[1]);
    if (params.some((p) => p === undefined) || !weight) continue;
    if (layer.opType === 'Gemm' && (attrInt(layer, 'transA', 0) !== 0 || attrFloat(layer, 'alpha', 1) !== 1 || attrFloat(layer, 'beta', 1) !== 1)) continue;
    const [gamma, beta, mean, variance] = params.map((p) => tensorAsFloat(p!));
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const channels = gamma.length;
    const k = new Float64Array(channels);
    for (let c = 0; c < channels; c++) k[c] = gamma[c] / Math.sqrt(variance[c] + eps);
    const w = tensorAsFloat(weight);
    const folded = new Float32Array(w.length);
    // Output channel of each weight element: axis 0 for Conv and transposed Gemm, axis 1 otherwise.
    const perColumn = layer.opType === 'Gemm' && attrInt(layer, 'transB', 0) === 0;
    const inner = perColumn ? 1 : w.length / channels;
    for (let i = 0; i < w.length; i++) {
      const c = perColumn ? i % channels : Math.floor(i / inner);
      folded[i] = w[i] * k[c];
    }
    const oldBias = layer.inputs[2] ? graph.initializers.get(layer.inputs[2]) : undefined;
    const b = oldBias ? tensorAsFloat(oldBias) : new Float32Array(channels);
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) bias[c] = (b[c] - mean[c]) * k[c] + beta[c];
    const wName = `${layer.inputs[1]}_bnfolded`;
    const bName = `${layer.name}_bias_bnfolded`;
    graph.initializers.set(wName, floatTensor(wName, weight.dims, folded));
    graph.initializers.set(bName, floatTensor(bName, [channels], bias));
    layer.inputs = [layer.inputs[0], wName, bName];
    layer.outputs = [bn.outputs[0]];
    removed.add(bn);
  }
  graph.nodes = graph.nodes.filter((n) => !removed.has(n));
  return removed.size;
}
