/**
 * Canonicalization step 1: Constant nodes become initializers. Old exporters (opset 9-11) keep
 * weights and Clip bounds in Constant nodes; every later stage looks for constants in one place.
 */
import { type Graph, type Node, type Tensor, findAttribute, toNumber } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import { type TensorProtoLike, tensorFromProto } from '../onnx/tensor.js';

function constantValue(node: Node, modelDir: string | null): Tensor | null {
  const name = node.outputs[0];
  const value = findAttribute(node, 'value');
  if (value?.t) return { ...tensorFromProto(value.t as TensorProtoLike, modelDir), name };
  const f = findAttribute(node, 'value_float');
  if (f) return { name, dataType: DataType.FLOAT, dims: [], data: new Float32Array([f.f ?? 0]) };
  const fs = findAttribute(node, 'value_floats');
  if (fs) return { name, dataType: DataType.FLOAT, dims: [fs.floats?.length ?? 0], data: Float32Array.from(fs.floats ?? []) };
  const i = findAttribute(node, 'value_int');
  if (i) return { name, dataType: DataType.INT64, dims: [], data: new BigInt64Array([BigInt(toNumber(i.i))]) };
  const is = findAttribute(node, 'value_ints');
  if (is) return { name, dataType: DataType.INT64, dims: [is.ints?.length ?? 0], data: BigInt64Array.from((is.ints ?? []).map((v) => BigInt(toNumber(v)))) };
  return null;
}

/** Moves every Constant node's value into the initializers (in place). Returns how many moved. */
export function constantsToInitializers(graph: Graph, modelDir: string | null): number {
  let moved = 0;
  const kept: Node[] = [];
  for (const node of graph.nodes) {
    const tensor = node.opType === 'Constant' && node.domain === '' ? constantValue(node, modelDir) : null;
    if (tensor) {
      graph.initializers.set(tensor.name, tensor);
      moved++;
    } else kept.push(node);
  }
  graph.nodes = kept;
  return moved;
}
