/**
 * Placement: which tensors get quantizers and which quantizers share a bit-width. Asks the op
 * registry about every node, then joins quantizers with a union-find:
 *   - a layer's weight quantizer and its input activation quantizer(s) are one group;
 *   - an activation read by several layers is one quantizer, hence one group;
 *   - the activation inputs of an Add/Concat share a group.
 * The result is plain data (QuantizerGroup from the API) plus the layer specs the simulator needs.
 */
import type { QuantizerGroup } from '../../api/quant.js';
import type { Graph } from '../onnx/ir.js';
import type { TensorShape } from '../graph/shapes.js';
import { opHandler } from '../ops/registry.js';
import type { LayerSpec, OpContext } from '../ops/types.js';

export interface Placement {
  /** Quantizable layers in graph order. */
  layers: LayerSpec[];
  groups: QuantizerGroup[];
  /** Every activation tensor that has a quantizer, in graph order. */
  activations: string[];
  groupOfActivation: Map<string, string>;
  groupOfLayer: Map<string, string>;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  add(x: string): void {
    if (!this.parent.has(x)) this.parent.set(x, x);
  }
  union(a: string, b: string): void {
    this.add(a);
    this.add(b);
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/** Builds the op context handlers read. */
export function opContext(graph: Graph, shapes: Map<string, TensorShape>): OpContext {
  return {
    graph,
    shapes,
    isConstant: (name) => graph.initializers.has(name),
    isFloatActivation: (name) => name !== '' && !graph.initializers.has(name) && shapes.get(name)?.type === 'float32',
    dims: (name) => {
      const s = shapes.get(name);
      if (!s) throw new Error(`no shape for tensor ${name}`);
      return s.dims;
    },
  };
}

/** Places quantizers on a canonical graph. */
export function placeQuantizers(graph: Graph, shapes: Map<string, TensorShape>): Placement {
  const ctx = opContext(graph, shapes);
  const uf = new UnionFind();
  const layers: LayerSpec[] = [];
  const activationOrder: string[] = [];
  const seen = new Set<string>();
  const addActivation = (t: string): void => {
    if (!seen.has(t)) {
      seen.add(t);
      activationOrder.push(t);
    }
    uf.add(`a:${t}`);
  };
  for (const node of graph.nodes) {
    const handler = opHandler(node.opType, node.domain);
    if (!handler) continue;
    const layer = handler.layer?.(node, ctx) ?? null;
    if (layer) {
      layers.push(layer);
      const wKey = `w:${node.name}`;
      uf.add(wKey);
      for (const t of layer.activationInputs) {
        addActivation(t);
        uf.union(wKey, `a:${t}`);
      }
    }
    const joined = handler.joinedInputs?.(node, ctx) ?? [];
    for (const t of joined) {
      addActivation(t);
      uf.union(`a:${joined[0]}`, `a:${t}`);
    }
  }
  // Name each group after its first layer (graph order), else after its first activation.
  const members = new Map<string, { weights: string[]; activations: string[] }>();
  const entry = (root: string): { weights: string[]; activations: string[] } => {
    let m = members.get(root);
    if (!m) members.set(root, (m = { weights: [], activations: [] }));
    return m;
  };
  for (const l of layers) entry(uf.find(`w:${l.node.name}`)).weights.push(l.node.name);
  for (const t of activationOrder) entry(uf.find(`a:${t}`)).activations.push(t);
  const groups: QuantizerGroup[] = [];
  const groupOfActivation = new Map<string, string>();
  const groupOfLayer = new Map<string, string>();
  const ordered = [...members.values()].sort((a, b) => firstIndex(a) - firstIndex(b));
  function firstIndex(m: { weights: string[]; activations: string[] }): number {
    const w = m.weights.length ? layers.findIndex((l) => l.node.name === m.weights[0]) : Infinity;
    const a = m.activations.length ? activationOrder.indexOf(m.activations[0]) : Infinity;
    return Math.min(w, a);
  }
  for (const m of ordered) {
    const id = m.weights.length ? m.weights[0] : `act:${m.activations[0]}`;
    const weightQuantizers = m.weights.filter((w) => layers.find((l) => l.node.name === w)!.weightInput >= 0);
    groups.push({ id, weightQuantizers, activationQuantizers: m.activations, quantizers: [...weightQuantizers.map((w) => `w:${w}`), ...m.activations.map((a) => `a:${a}`)] });
    for (const w of m.weights) groupOfLayer.set(w, id);
    for (const a of m.activations) groupOfActivation.set(a, id);
  }
  return { layers, groups, activations: activationOrder, groupOfActivation, groupOfLayer };
}
