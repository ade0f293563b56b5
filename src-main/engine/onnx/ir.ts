/**
 * The neutral graph IR every engine stage works on: a model is a list of nodes in topological order,
 * named constant tensors (initializers) and typed graph inputs/outputs. Attributes stay in their
 * protobuf form (so subgraphs of If/Loop pass through untouched) and are read with the accessors here.
 */
import { AttributeType } from './schema.js';

/** A constant tensor with its element data. Float tensors are always Float32Array. */
export interface Tensor {
  name: string;
  dataType: number;
  dims: number[];
  /** FLOAT -> Float32Array, INT64 -> BigInt64Array, INT32 -> Int32Array, INT8 -> Int8Array, UINT8 -> Uint8Array, others raw bytes. */
  data: Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Float64Array;
}

/** A graph input or output: name, element type and shape (a string for a symbolic dimension). */
export interface ValueInfo {
  name: string;
  elemType: number;
  shape: Array<number | string> | null;
}

/** An AttributeProto as protobufjs decodes it (plain object with the proto field names). */
export interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number | { toNumber(): number };
  s?: Uint8Array;
  t?: unknown;
  g?: unknown;
  floats?: number[];
  ints?: Array<number | { toNumber(): number }>;
  strings?: Uint8Array[];
  [key: string]: unknown;
}

export interface Node {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OpsetId {
  domain: string;
  version: number;
}

export interface Model {
  irVersion: number;
  opsets: OpsetId[];
  producerName: string;
  producerVersion: string;
  graph: Graph;
  /** Parts of the ModelProto the engine does not interpret (functions, metadata), passed through on encode. */
  passthrough: Record<string, unknown>;
}

/** Converts a protobuf int64 (Long or number) to a JS number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value ?? 0);
}

/** The default-domain opset version of a model (the one that governs standard ops). */
export function defaultOpset(model: Model): number {
  return model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

export function findAttribute(node: Node, name: string): Attribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

export function attrInt(node: Node, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a === undefined ? fallback : toNumber(a.i);
}

export function attrFloat(node: Node, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a === undefined ? fallback : (a.f ?? fallback);
}

export function attrInts(node: Node, name: string): number[] | undefined {
  const a = findAttribute(node, name);
  return a === undefined ? undefined : (a.ints ?? []).map(toNumber);
}

export function attrString(node: Node, name: string, fallback: string): string {
  const a = findAttribute(node, name);
  return a?.s === undefined ? fallback : Buffer.from(a.s).toString('utf8');
}

export function intAttribute(name: string, value: number): Attribute {
  return { name, type: AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: number[]): Attribute {
  return { name, type: AttributeType.INTS, ints: values };
}

export function floatAttribute(name: string, value: number): Attribute {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function floatsAttribute(name: string, values: number[]): Attribute {
  return { name, type: AttributeType.FLOATS, floats: values };
}

/** Number of elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
