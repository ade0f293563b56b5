/**
 * Writes the IR back to ModelProto bytes. All tensor data is written inline as raw_data (models past
 * 2 GB would need external data, which Bitbench's targets do not reach).
 */
import type { Graph, Model, ValueInfo } from './ir.js';
import { ModelProtoType } from './schema.js';
import { tensorToProto } from './tensor.js';

function valueInfoProto(v: ValueInfo): Record<string, unknown> {
  // Unknown type: leave it to onnxruntime's type inference (used for probe outputs).
  if (v.elemType === 0) return { name: v.name };
  const tensorType: Record<string, unknown> = { elem_type: v.elemType };
  if (v.shape !== null) tensorType.shape = { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) };
  return { name: v.name, type: { tensor_type: tensorType } };
}

function graphProto(g: Graph): Record<string, unknown> {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({ name: n.name, op_type: n.opType, domain: n.domain, input: n.inputs, output: n.outputs, attribute: n.attributes })),
    initializer: [...g.initializers.values()].map(tensorToProto),
    input: g.inputs.map(valueInfoProto),
    output: g.outputs.map(valueInfoProto),
  };
}

/** Encodes a model to ONNX bytes. */
export function encodeModel(model: Model): Uint8Array {
  // Plain objects already carry the proto field names and wire types (numbers, Uint8Array), so they
  // are encoded directly; fromObject would copy every tensor once more.
  const message = {
    ...model.passthrough,
    ir_version: model.irVersion,
    opset_import: model.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    graph: graphProto(model.graph),
  };
  return ModelProtoType.encode(message).finish();
}
