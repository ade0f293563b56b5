import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../onnx/encode.js';
import { intAttribute } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import { toHalfBits } from './float16.js';

/** onnxruntime's own Cast(float -> FLOAT16), as bit patterns. */
async function onnxruntimeHalf(values: Float32Array): Promise<Uint16Array> {
  const model = encodeModel({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '',
    passthrough: {},
    graph: {
      name: 'g',
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: [values.length] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT16, shape: [values.length] }],
      initializers: new Map(),
      nodes: [{ name: 'cast', opType: 'Cast', domain: '', inputs: ['x'], outputs: ['y'], attributes: [intAttribute('to', DataType.FLOAT16)] }],
    },
  });
  const session = await ort.InferenceSession.create(model);
  const y = (await session.run({ x: new ort.Tensor('float32', values, [values.length]) })).y;
  await session.release();
  const data = y.data as Uint16Array;
  return new Uint16Array(data.buffer, data.byteOffset, data.length);
}

describe('float -> fp16 bits', () => {
  it('equals onnxruntime Cast on normals, subnormals, ties, overflow and specials', async () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = new Float32Array(20000);
    for (let i = 0; i < values.length; i++) values[i] = (rand() - 0.5) * 2 ** Math.floor(rand() * 44 - 30);
    const edges = [0, -0, 1, -1, 65504, 65519, 65520, 1e6, -1e6, 2 ** -14, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -26, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 6e-8, Infinity, -Infinity];
    values.set(edges);
    const ours = toHalfBits(values);
    const theirs = await onnxruntimeHalf(values);
    const differ = [...ours.keys()].filter((i) => ours[i] !== theirs[i]);
    expect(differ.map((i) => [values[i], ours[i], theirs[i]])).toEqual([]);
    expect(toHalfBits(new Float32Array([NaN]))[0] & 0x7c00).toBe(0x7c00);
  });
});
