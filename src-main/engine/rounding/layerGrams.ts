/**
 * Gram matrices of many layers in one pass over the calibration data: the model with a Gram branch
 * on every rounded layer's input (graphs/gramProbe.ts) runs once per batch and returns only the
 * K x K sums, which are added up in float64 here. The layers' input shapes for one sample (the
 * loaded model's, or else from a first run of the model on one sample with those inputs exposed)
 * give how many vectors a sample makes for each layer, hence the branch forms and the batch size
 * that keeps patch tensors within CACHED_PATCH_FLOATS (in cache).
 */
import type * as ort from 'onnxruntime-node';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/ir.js';
import { tensorAsFloat } from '../onnx/tensor.js';
import { throwIfAborted } from '../runtime/abort.js';
import { createSession, runFloat } from '../runtime/session.js';
import { CACHED_PATCH_FLOATS, convFormFor, gramShape, GramSum, patchFloatsPerSample, setInputSize, vectorsPerSample } from './gram.js';
import { gramProbeModel, probeOutputs } from './graphs/gramProbe.js';
import { plainAttributes } from './layerAttributes.js';
import { type GramMatrices, type WeightLayout, weightLayoutOf } from './layout.js';

/** A layer ready for rounding: its float weight, how it is laid out, and its inputs' Gram matrices. */
export interface LayerStatistics {
  weight: Float32Array;
  weightDims: number[];
  layout: WeightLayout;
  gram: GramMatrices;
}

const ROUNDABLE = new Set(['Conv', 'Gemm', 'MatMul']);

/** Why a layer cannot be rounded by AdaRound/GPTQ, or null when it can. */
export function whyNotRoundable(model: Model, layer: string): string | null {
  const node = model.graph.nodes.find((n) => n.name === layer);
  if (!node) return 'not in the model';
  if (!ROUNDABLE.has(node.opType)) return `${node.opType} layers keep nearest rounding`;
  if (!model.graph.initializers.has(node.inputs[1] ?? '')) return 'no constant weight as second input';
  return null;
}

/** Shapes of `tensors` for one sample of `calibration` (the graph input's own shape included). */
async function shapesForOneSample(model: Model, tensors: string[], calibration: Dataset, threads: number): Promise<Map<string, number[]>> {
  const inputName = model.graph.inputs[0].name;
  const exposed = [...new Set(tensors.filter((t) => t !== inputName))];
  const shapes = new Map<string, number[]>();
  const probe: Model = { ...model, graph: { ...model.graph, outputs: exposed.map((name) => ({ name, elemType: 1, shape: null })) } };
  const session = exposed.length > 0 ? await createSession(probe, { threads }) : null;
  try {
    for await (const batch of calibration.batches({ batchSize: 1, count: 1 })) {
      shapes.set(inputName, batch.dims);
      const outputs = session ? await runFloat(session, inputName, batch.input, batch.dims, exposed) : {};
      for (const name of exposed) shapes.set(name, [...(outputs[name] as ort.Tensor).dims]);
    }
  } finally {
    await session?.release();
  }
  return shapes;
}

/** Computes the statistics of `layers` (roundable ones, see whyNotRoundable) on `limit` samples. */
export async function collectLayerStatistics(
  model: Model,
  layers: string[],
  calibration: Dataset,
  options: {
    limit: number;
    batchSize?: number;
    threads?: number;
    signal?: AbortSignal;
    /** Known shapes of the model's tensors for a batch of one (a loaded model's); spares the shape run when they cover every layer input. */
    shapes?: ReadonlyMap<string, { dims: number[] }>;
  },
): Promise<Map<string, LayerStatistics>> {
  const threads = options.threads ?? 2;
  const entries = layers.map((name) => {
    const node = model.graph.nodes.find((n) => n.name === name)!;
    const w = model.graph.initializers.get(node.inputs[1])!;
    const attrs = plainAttributes(node);
    const shape = gramShape({ op: node.opType, weightDims: w.dims, attrs });
    return { name, input: node.inputs[0], shape, weight: tensorAsFloat(w), weightDims: w.dims, layout: weightLayoutOf(node.opType, attrs), sum: null as GramSum | null, vectorsPerSample: 0 };
  });
  if (entries.length === 0 || Math.min(options.limit, calibration.size) < 1) {
    for (const e of entries) new GramSum(e.shape).result(); // throws: no calibration inputs
    return new Map();
  }
  // The shapes choose branch forms and the batch size, and count each run's vectors; the loaded
  // model's serve, else a shape run (which opens a session of its own: a tenth of GPTQ's time on ViT).
  // Known shapes serve only when they were inferred for this data's sample shape.
  const known = options.shapes;
  const inputName = model.graph.inputs[0].name;
  const knownInput = known?.get(inputName)?.dims;
  const fits = known && knownInput && knownInput.join() === [1, ...calibration.sampleDims].join() && entries.every((e) => known.get(e.input)?.dims[0] === 1);
  const shapes = fits ? new Map(entries.map((e) => [e.input, known.get(e.input)!.dims])) : await shapesForOneSample(model, entries.map((e) => e.input), calibration, threads);
  let largest = 1;
  const probeLayers = entries.map((e) => {
    const dims = shapes.get(e.input)!;
    setInputSize(e.shape, dims);
    const vectors = vectorsPerSample(e.shape, dims);
    e.vectorsPerSample = vectors;
    e.sum = new GramSum(e.shape);
    largest = Math.max(largest, patchFloatsPerSample(e.shape, vectors));
    return { input: e.input, geometry: e.shape.geometry, form: convFormFor(e.shape, vectors) };
  });
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 256, Math.floor(CACHED_PATCH_FLOATS / largest)));
  const session = await createSession(gramProbeModel(model, probeLayers), { threads });
  try {
    for await (const batch of calibration.batches({ batchSize, count: Math.min(options.limit, calibration.size) })) {
      throwIfAborted(options.signal);
      const outputs = await runFloat(session, inputName, batch.input, batch.dims);
      entries.forEach((e, i) => {
        const names = probeOutputs(i);
        e.sum!.add(outputs[names.gram].data as Float32Array, batch.dims[0] * e.vectorsPerSample);
      });
    }
  } finally {
    await session.release();
  }
  return new Map(entries.map((e) => [e.name, { weight: e.weight, weightDims: e.weightDims, layout: e.layout, gram: e.sum!.result() }]));
}
