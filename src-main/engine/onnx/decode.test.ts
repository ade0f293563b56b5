import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/errors.js';
import { decodeModel, readModel } from './decode.js';
import { ModelProtoType } from './schema.js';
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

describe('external data', () => {
  it('reads initializers kept in a data file beside the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bitbench-external-'));
    const proto = ModelProtoType.decode(readFileSync(RESNET)) as unknown as { graph: { initializer: Array<Record<string, unknown>> } };
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const t of proto.graph.initializer) {
      const raw = t.raw_data as Uint8Array;
      chunks.push(raw);
      t.external_data = [
        { key: 'location', value: 'weights.bin' },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      t.data_location = 1;
      t.raw_data = new Uint8Array(0);
      offset += raw.length;
    }
    writeFileSync(join(dir, 'weights.bin'), Buffer.concat(chunks));
    writeFileSync(join(dir, 'model.onnx'), ModelProtoType.encode(proto).finish());
    expect(readFileSync(join(dir, 'model.onnx')).length).toBeLessThan(100_000);
    const model = readModel(join(dir, 'model.onnx'));
    const reference = decodeModel(readFileSync(RESNET), null);
    for (const [name, t] of reference.graph.initializers) expect(model.graph.initializers.get(name)!.data).toEqual(t.data);
    // the data file missing: a typed error that says which file
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(10));
    expect(codeOf(() => readModel(join(dir, 'model.onnx')))).toMatch(/^INVALID_MODEL: .*weights.bin.*truncated/);
  });
});
