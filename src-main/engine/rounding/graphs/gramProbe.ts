/**
 * The model itself with a Gram branch (gramGraph.ts) grafted onto each rounded layer's input, so
 * one onnxruntime run per batch yields every layer's summed Gram matrices: activations never
 * leave onnxruntime, and each branch's nodes sit right after the node producing its input, so
 * its patch tensors can be freed before the network goes on. The model's own outputs are dropped;
 * nodes past the last rounded layer are pruned by onnxruntime.
 */
import { defaultOpset, type Model, type Node, type Tensor, type ValueInfo } from '../../onnx/ir.js';
import { DataType } from '../../onnx/schema.js';
import { convGramBranch, denseGramBranch, type ConvGeometry, type ConvGramForm, type DenseGeometry } from './gramGraph.js';
import { GraphBuilder } from './graphBuilder.js';

/** A layer to probe: the tensor it reads and how that tensor becomes Gram matrices. */
export interface ProbeLayer {
  input: string;
  geometry: { conv: ConvGeometry } | { dense: DenseGeometry };
  /** For a conv layer, how its branch multiplies (default 'batch'). */
  form?: ConvGramForm;
}

/** Output names of layer i's branch in the probe model. */
export const probeOutputs = (i: number): { gram: string } => ({ gram: `bitbench_gram${i}_sum` });

/** `model` with graph outputs probeOutputs(i) for every layer i. */
export function gramProbeModel(model: Model, layers: ProbeLayer[]): Model {
  const after = new Map<string, Node[]>();
  const initializers = new Map<string, Tensor>(model.graph.initializers);
  const outputs: ValueInfo[] = [];
  layers.forEach((layer, i) => {
    const g = new GraphBuilder(`bitbench_gram${i}_`, defaultOpset(model));
    const branch = 'conv' in layer.geometry ? convGramBranch(g, layer.input, layer.geometry.conv, layer.form) : denseGramBranch(g, layer.input, layer.geometry.dense);
    const names = probeOutputs(i);
    const parts = g.parts();
    const nodes = [
      ...parts.nodes,
      { name: names.gram, opType: 'Identity', domain: '', inputs: [branch.gram], outputs: [names.gram], attributes: [] },
    ];
    after.set(layer.input, [...(after.get(layer.input) ?? []), ...nodes]);
    for (const [name, t] of parts.initializers) initializers.set(name, t);
    outputs.push({ name: names.gram, elemType: DataType.FLOAT, shape: null });
  });
  // Branches on tensors no node produces (the graph input) go first.
  const produced = new Set(model.graph.nodes.flatMap((n) => n.outputs));
  const nodes: Node[] = [...after].filter(([tensor]) => !produced.has(tensor)).flatMap(([, branch]) => branch);
  for (const node of model.graph.nodes) {
    nodes.push(node);
    for (const out of node.outputs) nodes.push(...(after.get(out) ?? []));
  }
  return { ...model, graph: { ...model.graph, nodes, initializers, outputs } };
}
