/**
 * Shape and type of every tensor, found by running the model once in onnxruntime on one zero sample
 * with every node output exposed. Exact for the shapes that matter (quantizable layers) at the probe
 * input shape: symbolic batch dimensions are probed at 1, other symbolic dimensions at the size the
 * caller gives (or the dataset's).
 */
import type * as ort from 'onnxruntime-node';
import { BitbenchError } from '../../api/errors.js';
import { type Model, elementCount } from '../onnx/ir.js';
import { dataTypeName } from '../onnx/schema.js';
import { createSession, runFloat } from '../runtime/session.js';

export interface TensorShape {
  dims: number[];
  /** onnxruntime's type name: 'float32', 'int64', ... */
  type: string;
}

/** The concrete probe shape of the (single) float input, from the declared shape. */
export function probeInputDims(model: Model, sampleDims?: number[]): number[] {
  const input = model.graph.inputs[0];
  if (!input) throw new BitbenchError('INVALID_MODEL', 'The model has no inputs.', 'Choose a model that takes an input tensor.');
  const shape = input.shape ?? [];
  return shape.map((d, i) => {
    if (typeof d === 'number' && d > 0) return d;
    if (i === 0) return 1;
    const fromData = sampleDims?.[i - 1];
    if (fromData) return fromData;
    throw new BitbenchError('SHAPE_MISMATCH', `Input "${input.name}" has a free dimension "${d}" at position ${i}.`, 'Pass data (or an input shape) so that the dimension can be fixed.');
  });
}

/** Runs the model once and returns the shape and type of every node output (and of the input). */
export async function inferShapes(model: Model, inputDims: number[]): Promise<Map<string, TensorShape>> {
  const input = model.graph.inputs[0];
  const probe: Model = {
    ...model,
    graph: {
      ...model.graph,
      outputs: [...new Set(model.graph.nodes.flatMap((n) => n.outputs).filter((o) => o !== ''))].map((name) => ({ name, elemType: 0, shape: null })),
    },
  };
  const session = await createSession(probe, { threads: 1 });
  try {
    const result = await runFloat(session, input.name, new Float32Array(elementCount(inputDims)), inputDims);
    const shapes = new Map<string, TensorShape>();
    shapes.set(input.name, { dims: inputDims, type: 'float32' });
    for (const [name, value] of Object.entries(result)) shapes.set(name, { dims: [...(value as ort.Tensor).dims], type: (value as ort.Tensor).type });
    for (const [name, t] of model.graph.initializers) shapes.set(name, { dims: t.dims, type: dataTypeName[t.dataType] ?? 'unknown' });
    return shapes;
  } finally {
    await session.release();
  }
}
