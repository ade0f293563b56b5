/**
 * A few lines to build the small ONNX graphs rounding runs in onnxruntime (Gram matrices, the
 * AdaRound optimizer step) as engine IR models, and to run them.
 */
import * as ort from 'onnxruntime-node';
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../../onnx/ir.js';
import { floatAttribute, intAttribute, intsAttribute } from '../../onnx/ir.js';
import { AttributeType, DataType } from '../../onnx/schema.js';
import { createSession } from '../../runtime/session.js';

/** Attribute values: numbers become INT (integers) or FLOAT, arrays INTS, strings STRING. */
export type AttrValue = number | number[] | string | { float: number };

/** Collects nodes and constants of one graph (or of a branch to graft onto a model, see parts). */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private readonly inputs: ValueInfo[] = [];
  private counter = 0;

  /**
   * `prefix` starts every name this builder makes, so a branch's names cannot clash with a model's;
   * `opset` is the default-domain opset the nodes must be valid in (a grafted branch takes its model's).
   */
  constructor(private readonly prefix = '', readonly opset = 17) {}

  /** Declares a float32 graph input (null dims: any shape). */
  input(name: string, dims: Array<number | string> | null): string {
    this.inputs.push({ name, elemType: DataType.FLOAT, shape: dims });
    return name;
  }

  /** A float32 constant. */
  constFloat(dims: number[], data: Float32Array | number[]): string {
    const name = `${this.prefix}const_${this.counter++}`;
    this.initializers.set(name, { name, dataType: DataType.FLOAT, dims, data: data instanceof Float32Array ? data : Float32Array.from(data) });
    return name;
  }

  /** An int64 constant (shapes, axes, permutations). */
  constInt64(values: number[]): string {
    const name = `${this.prefix}const_${this.counter++}`;
    this.initializers.set(name, { name, dataType: DataType.INT64, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  /** Adds a node; returns its (single) output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    // Gemm's C input is optional only from opset 11: older graphs get a zero to add.
    if (opType === 'Gemm' && inputs.length === 2 && this.opset < 11) inputs = [...inputs, this.constFloat([1], [0])];
    const output = `${this.prefix}tmp_${this.counter++}`;
    const attributes: Attribute[] = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return intsAttribute(name, v);
      if (typeof v === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(v) };
      if (typeof v === 'object') return floatAttribute(name, v.float);
      return intAttribute(name, v);
    });
    this.nodes.push({ name: `${this.prefix}${opType}_${this.counter}`, opType, domain: '', inputs, outputs: [output], attributes });
    return output;
  }

  /** The nodes and constants added so far, for grafting onto another model's graph. */
  parts(): { nodes: Node[]; initializers: Map<string, Tensor> } {
    return { nodes: [...this.nodes], initializers: new Map(this.initializers) };
  }

  /** The model with the given tensors as graph outputs (renamed to the given names). */
  build(outputs: Record<string, string>): Model {
    const nodes = [...this.nodes];
    for (const [name, tensor] of Object.entries(outputs)) nodes.push({ name: `out_${name}`, opType: 'Identity', domain: '', inputs: [tensor], outputs: [name], attributes: [] });
    return {
      irVersion: 8,
      opsets: [{ domain: '', version: this.opset }],
      producerName: 'bitbench-rounding',
      producerVersion: '1',
      graph: { name: 'rounding', nodes, initializers: this.initializers, inputs: this.inputs, outputs: Object.keys(outputs).map((name) => ({ name, elemType: DataType.FLOAT, shape: null })) },
      passthrough: {},
    };
  }

  /** Builds and opens a session. */
  async session(outputs: Record<string, string>, threads?: number): Promise<ort.InferenceSession> {
    return createSession(this.build(outputs), { threads });
  }
}

/** A float32 ort tensor. */
export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}
