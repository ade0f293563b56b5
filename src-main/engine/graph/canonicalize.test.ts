import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../onnx/decode.js';
import { encodeModel } from '../onnx/encode.js';
import { type Model, floatAttribute } from '../onnx/ir.js';
import { AttributeType } from '../onnx/schema.js';
import { tensorToProto } from '../onnx/tensor.js';
import { canonicalize } from './canonicalize.js';

const load = (name: string): Model => decodeModel(readFileSync(`/work/shared/models/${name}.onnx`), null);

async function run(model: Model, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'disabled' });
  const out = await session.run({ input: new ort.Tensor('float32', x, [4, 1, 28, 28]) });
  return out.logits.data as Float32Array;
}

const input = Float32Array.from({ length: 4 * 784 }, (_, i) => Math.sin(i * 0.37) * 1.5);

/** Deterministic pseudo-random numbers in [lo, hi). */
function sequence(n: number, lo: number, hi: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + ((hi - lo) * s) / 2147483648;
  });
}

describe('canonicalize', () => {
  it('folds a BatchNormalization into the preceding Conv without changing the outputs', async () => {
    const model = load('fmnist_resnet20');
    const conv = model.graph.nodes.find((n) => n.opType === 'Conv')!;
    const channels = model.graph.initializers.get(conv.inputs[1])!.dims[0];
    const out = conv.outputs[0];
    conv.outputs = ['before_bn'];
    const params = { gamma: sequence(channels, 0.5, 1.5, 1), beta: sequence(channels, -0.3, 0.3, 2), mean: sequence(channels, -0.5, 0.5, 3), var: sequence(channels, 0.5, 2, 4) };
    for (const [k, v] of Object.entries(params)) model.graph.initializers.set(`bn_${k}`, { name: `bn_${k}`, dataType: 1, dims: [channels], data: v });
    const at = model.graph.nodes.indexOf(conv) + 1;
    model.graph.nodes.splice(at, 0, { name: 'bn', opType: 'BatchNormalization', domain: '', inputs: ['before_bn', 'bn_gamma', 'bn_beta', 'bn_mean', 'bn_var'], outputs: [out], attributes: [floatAttribute('epsilon', 1e-5)] });
    const unfolded = await run(model, input);
    const report = canonicalize(model, null);
    expect(report.batchNormsFolded).toBe(1);
    expect(model.graph.nodes.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    expect(model.graph.nodes.filter((n) => n.opType === 'Conv')).toHaveLength(21);
    const folded = await run(model, input);
    let worst = 0;
    for (let i = 0; i < folded.length; i++) worst = Math.max(worst, Math.abs(folded[i] - unfolded[i]) / (1e-3 + Math.abs(unfolded[i])));
    // float32 re-association of the scale into the weights: relative error well under 1e-4
    expect(worst).toBeLessThan(1e-4);
    // and the BN was not a no-op (the test would otherwise prove nothing)
    const plain = await run(load('fmnist_resnet20'), input);
    expect(Math.max(...plain.map((v, i) => Math.abs(v - folded[i])))).toBeGreaterThan(1e-2);
  });

  it('turns weights kept in Constant nodes (old exporters) into initializers', async () => {
    const model = load('fmnist_resnet20');
    const reference = await run(model, input);
    // Rewrite the model opset-9 style: every initializer becomes a Constant node.
    const constants = [...model.graph.initializers.values()].map((t) => ({
      name: `const_${t.name}`,
      opType: 'Constant',
      domain: '',
      inputs: [],
      outputs: [t.name],
      attributes: [{ name: 'value', type: AttributeType.TENSOR, t: tensorToProto(t) }],
    }));
    model.graph.nodes = [...constants, ...model.graph.nodes];
    model.graph.initializers.clear();
    expect(await run(model, input)).toEqual(reference);
    const report = canonicalize(model, null);
    expect(report.constantsMoved).toBe(constants.length);
    expect(model.graph.nodes.some((n) => n.opType === 'Constant')).toBe(false);
    expect(await run(model, input)).toEqual(reference);
  });
});
