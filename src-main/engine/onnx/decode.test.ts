import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { decodeModel } from './decode.js';
import { encodeModel } from './encode.js';

const RESNET = '/work/shared/models/fmnist_resnet20.onnx';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof BitbenchError ? `${error.code}: ${error.message}` : `untyped: ${String(error)}`;
  }
  return 'no error';
}

describe('ONNX decode/encode', () => {
  it('round-trips a real model to the same outputs', async () => {
    const bytes = readFileSync(RESNET);
    const model = decodeModel(bytes, null);
    expect(model.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.nodes.filter((n) => n.opType === 'Conv')).toHaveLength(21);
    expect(model.graph.inputs[0]).toEqual({ name: 'input', elemType: 1, shape: ['batch', 1, 28, 28] });
    const x = new ort.Tensor('float32', Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i)), [2, 1, 28, 28]);
    const a = await (await ort.InferenceSession.create(bytes)).run({ input: x });
    const b = await (await ort.InferenceSession.create(encodeModel(model))).run({ input: x });
    expect(Array.from(b.logits.data as Float32Array)).toEqual(Array.from(a.logits.data as Float32Array));
  });

  it('names the problem for bytes that are not a model', () => {
    expect(codeOf(() => decodeModel(new Uint8Array(0), null))).toMatch(/^INVALID_MODEL: .*empty/);
    expect(codeOf(() => decodeModel(new TextEncoder().encode('hello, this is a text file\n'), null))).toMatch(/^INVALID_MODEL: .*not an ONNX model/);
    expect(codeOf(() => decodeModel(readFileSync('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'), null))).toMatch(/^INVALID_MODEL/);
  });

  it('says a cut-off file is truncated', () => {
    const bytes = readFileSync(RESNET);
    expect(codeOf(() => decodeModel(bytes.subarray(0, Math.floor(bytes.length / 2)), null))).toMatch(/^INVALID_MODEL: .*truncated/);
  });
});
