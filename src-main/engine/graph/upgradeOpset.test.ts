import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { encodeModel } from '../onnx/encode.js';
import { type Model, intsAttribute } from '../onnx/ir.js';
import { upgradeToOpset10 } from './upgradeOpset.js';

/** x[4, 6] -> Slice-9 (rows 1..3, columns 2..end) -> Relu -> y */
function opset9Model(op = 'Slice'): Model {
  return {
    irVersion: 4,
    opsets: [{ domain: '', version: 9 }],
    producerName: 'test',
    producerVersion: '',
    passthrough: {},
    graph: {
      name: 'g',
      inputs: [{ name: 'x', elemType: 1, shape: [4, 6] }],
      outputs: [{ name: 'y', elemType: 1, shape: null }],
      initializers: new Map(),
      nodes: [
        { name: 'slice', opType: op, domain: '', inputs: ['x'], outputs: ['s'], attributes: [intsAttribute('starts', [1, 2]), intsAttribute('ends', [3, 1000]), intsAttribute('axes', [0, 1])] },
        { name: 'relu', opType: 'Relu', domain: '', inputs: ['s'], outputs: ['y'], attributes: [] },
      ],
    },
  };
}

async function run(model: Model): Promise<number[]> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  const x = new ort.Tensor('float32', Float32Array.from({ length: 24 }, (_, i) => i - 10), [4, 6]);
  return Array.from((await session.run({ x })).y.data as Float32Array);
}

describe('opset 9 -> 10', () => {
  it('rewrites Slice attributes as inputs and keeps the results', async () => {
    const model = opset9Model();
    const before = await run(model);
    expect(upgradeToOpset10(model)).toBe(true);
    expect(model.opsets[0].version).toBe(10);
    expect(model.graph.nodes[0].inputs).toHaveLength(4);
    expect(await run(model)).toEqual(before);
    expect(before).toEqual([0, 0, 0, 1, 4, 5, 6, 7]);
    expect(upgradeToOpset10(model)).toBe(false);
  });

  it('refuses ops whose meaning changed, by name', () => {
    const model = opset9Model('Upsample');
    try {
      upgradeToOpset10(model);
      throw new Error('expected an error');
    } catch (error) {
      expect((error as BitbenchError).code).toBe('UNSUPPORTED_OP');
      expect((error as BitbenchError).message).toContain('"slice" (Upsample)');
    }
  });
});
