/** Drops initializers no node reads (left behind by folding), so exported files carry no dead weight. */
import type { Graph } from '../onnx/ir.js';

export function pruneInitializers(graph: Graph): number {
  const used = new Set<string>();
  for (const n of graph.nodes) for (const i of n.inputs) used.add(i);
  for (const o of graph.outputs) used.add(o.name);
  let dropped = 0;
  for (const name of [...graph.initializers.keys()]) {
    if (!used.has(name)) {
      graph.initializers.delete(name);
      dropped++;
    }
  }
  return dropped;
}
