/**
 * What an op handler tells placement about one node: whether it is a quantizable layer (and where
 * its weight, bias and output channels are), and which of its inputs must share a quantizer group.
 * Handlers only look at the graph; they never rewrite it.
 */
import type { Graph, Node } from '../onnx/ir.js';
import type { TensorShape } from '../graph/shapes.js';

/** A quantizable layer found by a handler. */
export interface LayerSpec {
  node: Node;
  /** Index of the constant weight input, or -1 for an activation-only layer (MatMul of two activations). */
  weightInput: number;
  /** Index of the constant bias input, or -1. */
  biasInput: number;
  /** Axis of the weight tensor that indexes output channels (per-channel scales run along it). */
  channelAxis: number;
  /** Activation tensors the layer reads through activation quantizers. */
  activationInputs: string[];
  params: number;
  /** Multiply-accumulates per sample. */
  macs: number;
}

/** What handlers may ask about the graph. */
export interface OpContext {
  graph: Graph;
  shapes: Map<string, TensorShape>;
  /** True when the tensor is an initializer (a constant). */
  isConstant(name: string): boolean;
  /** True when the tensor is a float tensor computed at run time (an activation). */
  isFloatActivation(name: string): boolean;
  /** The probe shape of a tensor (batch 1); throws when unknown. */
  dims(name: string): number[];
}

export interface OpHandler {
  /** The quantizable layer this node is, or null. Throws UNSUPPORTED_OP for a form it cannot quantize. */
  layer?(node: Node, ctx: OpContext): LayerSpec | null;
  /** Activation inputs whose quantizers must share one group (inputs of Add, Concat). */
  joinedInputs?(node: Node, ctx: OpContext): string[];
}
