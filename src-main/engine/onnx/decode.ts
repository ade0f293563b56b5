/**
 * Reads an ONNX file into the IR: sniff (is this protobuf ModelProto at all?), decode with the
 * generated schema, map into neutral objects. Every format problem is one typed error
 * (INVALID_MODEL) with a message that says what is wrong and a hint.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import { type Attribute, type Graph, type Model, type Node, type ValueInfo, toNumber } from './ir.js';
import { ModelProtoType } from './schema.js';
import { type TensorProtoLike, tensorFromProto } from './tensor.js';

interface ValueInfoLike {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Array<{ dim_value?: unknown; dim_param?: string }> } } };
}
interface NodeLike {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: Attribute[];
}
interface GraphLike {
  name?: string;
  node?: NodeLike[];
  initializer?: TensorProtoLike[];
  input?: ValueInfoLike[];
  output?: ValueInfoLike[];
}
interface ModelLike {
  ir_version?: unknown;
  opset_import?: Array<{ domain?: string; version?: unknown }>;
  producer_name?: string;
  producer_version?: string;
  graph?: GraphLike;
  [key: string]: unknown;
}

function valueInfo(v: ValueInfoLike): ValueInfo {
  const t = v.type?.tensor_type;
  const dims = t?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: t?.elem_type ?? 0,
    shape: dims === undefined ? null : dims.map((d) => (d.dim_param ? d.dim_param : d.dim_value !== undefined && d.dim_value !== null ? toNumber(d.dim_value) : '?')),
  };
}

function mapGraph(g: GraphLike, modelDir: string | null): Graph {
  const initializers = new Map((g.initializer ?? []).map((t) => [t.name ?? '', tensorFromProto(t, modelDir)]));
  const nodes: Node[] = (g.node ?? []).map((n, index) => ({
    name: n.name || `${n.op_type ?? 'node'}_${index}`,
    opType: n.op_type ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: n.attribute ?? [],
  }));
  return {
    name: g.name ?? 'graph',
    nodes,
    initializers,
    // Old exporters list initializers among the inputs; those are constants, not model inputs.
    inputs: (g.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
  };
}

/** Decodes ModelProto bytes. `modelDir` is the folder for external data (null: none allowed). */
export function decodeModel(bytes: Uint8Array, modelDir: string | null, label = 'the file'): Model {
  if (bytes.length === 0) throw new BitbenchError('INVALID_MODEL', `${label} is empty.`, 'Choose an .onnx model file.');
  let proto: ModelLike;
  try {
    proto = ModelProtoType.decode(bytes) as unknown as ModelLike;
  } catch (error) {
    const text = String((error as Error).message ?? error);
    if (/index out of range/.test(text)) {
      throw new BitbenchError('INVALID_MODEL', `${label} ends early: the ONNX model is truncated.`, 'Copy or download the model again; the file is incomplete.', { cause: error });
    }
    throw new BitbenchError('INVALID_MODEL', `${label} is not an ONNX model (${text}).`, 'Choose an .onnx file exported by PyTorch, TensorFlow (tf2onnx) or another ONNX exporter.', { cause: error });
  }
  const graph = proto.graph;
  if (!graph || !proto.opset_import || proto.opset_import.length === 0 || (graph.node ?? []).length === 0) {
    throw new BitbenchError('INVALID_MODEL', `${label} is not an ONNX model (no graph or no operator set).`, 'Choose an .onnx file exported by PyTorch, TensorFlow (tf2onnx) or another ONNX exporter.');
  }
  const { graph: _g, ir_version, opset_import, producer_name, producer_version, ...rest } = proto;
  const passthrough: Record<string, unknown> = {};
  for (const key of ['metadata_props', 'functions', 'domain', 'model_version', 'doc_string']) if (rest[key] !== undefined) passthrough[key] = rest[key];
  return {
    irVersion: toNumber(ir_version),
    opsets: opset_import.map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    producerName: producer_name ?? '',
    producerVersion: producer_version ?? '',
    graph: mapGraph(graph, modelDir),
    passthrough,
  };
}

/** Reads and decodes an .onnx file (external data resolved beside it). */
export function readModel(path: string): Model {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new BitbenchError('INVALID_MODEL', `${path} is a folder, not an ONNX file.`, 'Choose the .onnx file inside it.');
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof BitbenchError) throw error;
    throw new BitbenchError('NOT_FOUND', `The model file ${path} cannot be read.`, 'Check the path.', { cause: error });
  }
  return decodeModel(bytes, dirname(path), path);
}
