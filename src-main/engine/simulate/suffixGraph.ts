/**
 * Prefix reuse, the graph part: two QDQ models of one network that differ only from some point on
 * (phase 1 of Pareto-greedy lowers one quantizer group of the top configuration) share everything
 * upstream of the first difference. This module finds that point and cuts the variant model there:
 *
 *     base:     input -> [ prefix ] -> L -> DQ -> [ base tail ]    -> output
 *     variant:  input -> [ prefix ] -> L -> DQ -> [ changed tail ] -> output
 *     suffix:            (graph input) L -> DQ -> [ changed tail ] -> output
 *
 * A cut is only ever made at a "level tensor" L: the integer levels an activation quantizer hands
 * to its DequantizeLinear (or, for the float forms of wide activations, the rounded levels before
 * the final product with the scale). onnxruntime fuses DQ -> op -> Q into integer kernels, so a float tensor in the
 * middle of such a unit never exists in the whole graph and cutting there would change the numbers;
 * L is the boundary between two units and exists in both. Nodes upstream of a change are pulled
 * into the suffix until every tensor the suffix reads is a level tensor or the model input.
 * Whether the cut suffix computes exactly the whole graph's output is checked by tests on the
 * reference models (prefixReuse.test.ts), not assumed.
 */
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';

/** Where a variant model departs from the base, and what the suffix needs. */
export interface SuffixSplit {
  /** Tensors the suffix reads from the prefix (its graph inputs), in the base graph's order. */
  cuts: string[];
  /** Nodes of the variant graph that run in the suffix, in topological order. */
  nodes: Node[];
  /** Nodes that differ from the base (a node of the variant that the base does not have counts). */
  changed: number;
}

/**
 * Level tensors of a QDQ model in topological order: input 0 of every DequantizeLinear whose
 * input is computed (not an initializer), and input 0 of the float dequantizing Mul of a wide
 * activation (Clip -> Mul by a constant scalar). These are the only places a cut is made.
 */
export function levelTensors(model: Model): string[] {
  const { graph } = model;
  const producer = producers(model);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    const x = node.inputs[0];
    if (x === undefined || seen.has(x) || graph.initializers.has(x)) continue;
    if (isLevelRead(node, x, graph.initializers, producer)) {
      seen.add(x);
      out.push(x);
    }
  }
  return out;
}

/**
 * Splits `variant` against `base`: the nodes downstream of every difference, extended upstream to
 * level tensors. Null when the two models are identical (nothing to re-run).
 */
export function splitAtFirstChange(base: Model, variant: Model): SuffixSplit | null {
  const baseNodes = new Map(base.graph.nodes.map((n) => [n.name, n]));
  const graph = variant.graph;
  const producer = producers(variant);
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => {
    for (const x of n.inputs) consumers.set(x, [...(consumers.get(x) ?? []), i]);
  });
  const inSuffix = new Array<boolean>(graph.nodes.length).fill(false);
  let changed = 0;
  graph.nodes.forEach((n, i) => {
    const b = baseNodes.get(n.name);
    if (!b || !sameNode(b, n, base.graph.initializers, graph.initializers)) {
      inSuffix[i] = true;
      changed++;
    }
  });
  if (changed === 0 && sameOutputs(base, variant)) return null;
  // Downstream closure: everything reading a suffix node's output is in the suffix.
  const index = new Map(graph.nodes.map((n, i) => [n, i]));
  for (let i = 0; i < graph.nodes.length; i++) {
    if (!inSuffix[i]) continue;
    for (const o of graph.nodes[i].outputs) for (const j of consumers.get(o) ?? []) inSuffix[j] = true;
  }
  // Upstream closure: a computed tensor the suffix reads is a cut only where it is a level tensor.
  const cuts = new Set<string>();
  const stack = graph.nodes.map((_, i) => i).filter((i) => inSuffix[i]);
  while (stack.length) {
    const node = graph.nodes[stack.pop()!];
    for (const x of node.inputs) {
      if (x === '' || graph.initializers.has(x)) continue;
      const p = producer.get(x);
      if (!p) {
        cuts.add(x); // a graph input
        continue;
      }
      const pi = index.get(p)!;
      if (inSuffix[pi]) continue;
      if (isLevelRead(node, x, graph.initializers, producer)) {
        cuts.add(x);
        continue;
      }
      inSuffix[pi] = true;
      stack.push(pi);
    }
  }
  // A tensor pulled in as a producer output may have been marked a cut by another reader first.
  for (const c of [...cuts]) {
    const p = producer.get(c);
    if (p && inSuffix[index.get(p)!]) cuts.delete(c);
  }
  const order = new Map([...graph.inputs.map((v) => v.name), ...levelTensors(base)].map((t, i) => [t, i]));
  return {
    cuts: [...cuts].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || (a < b ? -1 : 1)),
    nodes: graph.nodes.filter((_, i) => inSuffix[i]),
    changed,
  };
}

/** The suffix as a model of its own: the split's nodes, the cut tensors as typed graph inputs. */
export function suffixModel(variant: Model, split: SuffixSplit, cutInfo: ReadonlyMap<string, ValueInfo>): Model {
  const used = new Set(split.nodes.flatMap((n) => n.inputs));
  const initializers = new Map<string, Tensor>();
  for (const [name, t] of variant.graph.initializers) if (used.has(name)) initializers.set(name, t);
  const inputs = split.cuts.map((c) => {
    const info = cutInfo.get(c);
    if (!info) throw new Error(`prefix reuse: no type for cut tensor ${c}`);
    return info;
  });
  return { ...variant, graph: { ...variant.graph, nodes: split.nodes, initializers, inputs } };
}

/**
 * The base model computing only `outputs` (the cut tensors a batch of suffixes needs), with every
 * node that does not lead to them removed.
 */
export function prefixModel(base: Model, outputs: readonly ValueInfo[]): Model {
  const needed = new Set(outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = base.graph.nodes.length - 1; i >= 0; i--) {
    const n = base.graph.nodes[i];
    if (n.outputs.some((o) => needed.has(o))) {
      kept.push(n);
      for (const x of n.inputs) needed.add(x);
    }
  }
  const initializers = new Map<string, Tensor>();
  for (const [name, t] of base.graph.initializers) if (needed.has(name)) initializers.set(name, t);
  const inputs = base.graph.inputs.filter((i) => needed.has(i.name));
  return { ...base, graph: { ...base.graph, nodes: kept.reverse(), initializers, inputs, outputs: [...outputs] } };
}

/**
 * ONNX element type of a level tensor (or of the model input): the zero point's type after a
 * QuantizeLinear (uint8 when absent), the integer bound's type after a Min, float otherwise.
 */
export function levelElemType(model: Model, tensor: string): number {
  const input = model.graph.inputs.find((i) => i.name === tensor);
  if (input) return input.elemType;
  const producer = producers(model);
  let x = tensor;
  for (let hops = 0; hops < 8; hops++) {
    const p = producer.get(x);
    if (!p) break;
    if (p.opType === 'QuantizeLinear') {
      const zero = p.inputs[2] ? model.graph.initializers.get(p.inputs[2]) : undefined;
      return zero?.dataType ?? DataType.UINT8;
    }
    if (p.opType !== 'Min' && p.opType !== 'Max') break;
    const bound = p.inputs.map((i) => model.graph.initializers.get(i)).find((t) => t !== undefined);
    if (bound) return bound.dataType;
    x = p.inputs[0];
  }
  return DataType.FLOAT;
}

// -------------------------------------------------------------------------------------------------

function producers(model: Model): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const n of model.graph.nodes) for (const o of n.outputs) out.set(o, n);
  return out;
}

/**
 * True when `node` reads `x` as the levels of an activation quantizer (see levelTensors): the
 * integer input of a DequantizeLinear; the rounded levels (Clip output) a float Mul by the scale
 * reads; or, in the channel-blocked float form, the levels a bias-free 1x1 depthwise Conv (times
 * the scale) reads from the unshifting 1x1 Conv after the Clip.
 */
function isLevelRead(node: Node, x: string, initializers: ReadonlyMap<string, Tensor>, producer: ReadonlyMap<string, Node>): boolean {
  if (node.inputs[0] !== x) return false;
  if (node.opType === 'DequantizeLinear') return true;
  if (node.opType === 'Conv' && node.inputs.length === 2) {
    const weight = initializers.get(node.inputs[1]);
    const unshift = producer.get(x);
    const pointwise = weight !== undefined && weight.dims.length === 4 && weight.dims[1] === 1 && weight.dims[2] === 1 && weight.dims[3] === 1;
    return pointwise && unshift?.opType === 'Conv' && producer.get(unshift.inputs[0])?.opType === 'Clip';
  }
  if (node.opType !== 'Mul' || node.inputs.length !== 2) return false;
  const scale = initializers.get(node.inputs[1]);
  return producer.get(x)?.opType === 'Clip' && scale !== undefined && scale.dims.length === 0;
}

function sameNode(a: Node, b: Node, ai: ReadonlyMap<string, Tensor>, bi: ReadonlyMap<string, Tensor>): boolean {
  if (a.opType !== b.opType || a.domain !== b.domain || !sameList(a.inputs, b.inputs) || !sameList(a.outputs, b.outputs)) return false;
  if (!sameAttributes(a.attributes, b.attributes)) return false;
  for (const x of a.inputs) {
    const ta = ai.get(x);
    const tb = bi.get(x);
    if (ta === tb) continue;
    if (!ta || !tb || !sameTensor(ta, tb)) return false;
  }
  return true;
}

function sameOutputs(a: Model, b: Model): boolean {
  return sameList(
    a.graph.outputs.map((o) => o.name),
    b.graph.outputs.map((o) => o.name),
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameAttributes(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a === b) return true;
  const text = (list: readonly Attribute[]): string => JSON.stringify(list, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v));
  return text(a) === text(b);
}

function sameTensor(a: Tensor, b: Tensor): boolean {
  if (a.dataType !== b.dataType || !sameList(a.dims.map(String), b.dims.map(String))) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.length === y.length && Buffer.compare(x, y) === 0;
}
