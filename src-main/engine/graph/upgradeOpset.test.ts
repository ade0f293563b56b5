import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { encodeModel } from '../onnx/encode.js';
import { type Model, type Node, intAttribute, intsAttribute } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import { upgradeOpset, upgradeToOpset10 } from './upgradeOpset.js';

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

/** x[2, 3, 4] -> ReduceMean(axes=[1, 2]) and Split(axis 2, equal halves, no split input) -> y, a, b */
function opset17Model(extra: Node[] = [], version = 17): Model {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version }],
    producerName: 'test',
    producerVersion: '',
    passthrough: {},
    graph: {
      name: 'g',
      inputs: [{ name: 'x', elemType: 1, shape: [2, 3, 4] }],
      outputs: ['y', 'a', 'b'].map((name) => ({ name, elemType: 1, shape: null })),
      initializers: new Map(),
      nodes: [
        { name: 'mean', opType: 'ReduceMean', domain: '', inputs: ['x'], outputs: ['y'], attributes: [intsAttribute('axes', [1, 2]), intAttribute('keepdims', 0)] },
        { name: 'split', opType: 'Split', domain: '', inputs: ['x'], outputs: ['a', 'b'], attributes: [intAttribute('axis', 2)] },
        ...extra,
      ],
    },
  };
}

async function runAll(model: Model): Promise<number[][]> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  const x = new ort.Tensor('float32', Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 11 - 5), [2, 3, 4]);
  const out = await session.run({ x });
  await session.release();
  return ['y', 'a', 'b'].map((k) => Array.from(out[k].data as Float32Array));
}

function expectRefusal(run: () => unknown, code: string, ...parts: string[]): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BitbenchError);
    expect((error as BitbenchError).code).toBe(code);
    for (const p of parts) expect(`${(error as BitbenchError).message} ${(error as BitbenchError).hint}`).toContain(p);
    return;
  }
  throw new Error('expected an error');
}

describe('opset 17 -> 21', () => {
  it('moves Reduce axes into an input and gives Split num_outputs; onnxruntime computes the same', async () => {
    const model = opset17Model();
    const before = await runAll(model);
    const upgraded = upgradeOpset(model, 21);
    expect(upgraded.opsets[0].version).toBe(21);
    expect(upgraded.irVersion).toBe(10);
    const [mean, split] = upgraded.graph.nodes;
    expect(mean.inputs).toEqual(['x', 'mean_axes']);
    expect(mean.attributes.map((a) => a.name)).toEqual(['keepdims']);
    expect(upgraded.graph.initializers.get('mean_axes')).toMatchObject({ dataType: DataType.INT64, dims: [2] });
    expect(split.attributes.find((a) => a.name === 'num_outputs')?.i).toBe(2);
    expect(await runAll(upgraded)).toEqual(before);
    // the input model is untouched
    expect(model.opsets[0].version).toBe(17);
    expect(model.graph.nodes[0].inputs).toEqual(['x']);
    // without the rewrite, onnxruntime refuses the opset-18 ReduceMean with an axes attribute
    const naive: Model = { ...model, irVersion: 10, opsets: [{ domain: '', version: 21 }] };
    await expect(runAll(naive)).rejects.toThrow();
  });

  it('refuses, by node and op, what it cannot upgrade, downgrades and old opsets', () => {
    const groupNorm: Node = { name: 'gn', opType: 'GroupNormalization', domain: '', inputs: ['x', 's', 'b'], outputs: ['z'], attributes: [intAttribute('num_groups', 1)] };
    expectRefusal(() => upgradeOpset(opset17Model([groupNorm], 18), 21), 'UNSUPPORTED_OP', '"gn" (GroupNormalization)', 'per-channel');
    expectRefusal(() => upgradeOpset(opset17Model(), 16), 'BAD_REQUEST', 'downward');
    expectRefusal(() => upgradeOpset(opset17Model(), 22), 'BAD_REQUEST', '--opset 21');
    expectRefusal(() => upgradeOpset(opset17Model([], 13), 21), 'BAD_REQUEST', 'opset_version=17');
    expect(upgradeOpset(opset17Model(), 17).opsets[0].version).toBe(17);
  });
});
