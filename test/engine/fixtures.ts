/** Paths and data shared by the engine tests: the reference models and Fashion-MNIST. */
import { readFileSync } from 'node:fs';
import { openDataset } from '../../src-main/engine/data/open.js';
import type { Dataset } from '../../src-main/engine/data/dataset.js';
import { countCorrect } from '../../src-main/engine/evaluate/metrics.js';
import * as ort from 'onnxruntime-node';

export const MODELS_DIR = '/work/shared/models';
export const FMNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const MODEL_NAMES = ['fmnist_resnet20', 'fmnist_mobilenetv2', 'fmnist_vit'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const modelPath = (name: ModelName): string => `${MODELS_DIR}/${name}.onnx`;

/** The models' declared preprocessing (models/README.md). */
export const FMNIST_PREPROCESS = { mean: [0.286], std: [0.353] };

export interface Reference {
  ort_fp32_acc: number;
  peer_pytorch_fx_w8a8_fbgemm: number | null;
  naive_fixed: Record<string, number>;
}

export function referenceFigures(): Record<ModelName, Reference> {
  return JSON.parse(readFileSync(`${MODELS_DIR}/reference.json`, 'utf8'));
}

export const fmnist = (split: 'train' | 'test'): Promise<Dataset> => openDataset(`fmnist:${FMNIST_DIR}:${split}`, FMNIST_PREPROCESS);

/** Top-1 accuracy of an exported .onnx file run in plain onnxruntime (no Bitbench code in the loop). */
export async function plainOnnxruntimeAccuracy(path: string, data: Dataset): Promise<number> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 2 });
  let correct = 0;
  for await (const batch of data.batches({ batchSize: 500 })) {
    const result = await session.run({ input: new ort.Tensor('float32', batch.input, batch.dims) });
    correct += countCorrect(result.logits.data as Float32Array, batch.labels!);
  }
  await session.release();
  return correct / data.size;
}
