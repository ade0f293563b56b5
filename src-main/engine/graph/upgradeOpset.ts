/**
 * Opset upgrades. Canonicalization step 0: models at opset 9 move to opset 10, the first with QuantizeLinear and
 * QLinearConv (onnxruntime fuses QDQ into QLinear ops of the model's own opset, so an opset-9 QDQ
 * graph cannot even load). Between 9 and 10 only a few ops changed form; Slice is rewritten
 * (attributes become inputs), the others that changed meaning are refused by name.
 * And, on request (export with INT4 weights), 17..20 -> 21: see upgradeOpset.
 */
import { BitbenchError } from '../../api/errors.js';
import { type Model, type Node, attrInts, attrString, findAttribute, intAttribute } from '../onnx/ir.js';
import { AttributeType, DataType } from '../onnx/schema.js';

const CHANGED_IN_10 = new Set(['Upsample', 'TopK']);

/** Upgrades an opset-9 model to opset 10 in place; returns true when it did. */
export function upgradeToOpset10(model: Model): boolean {
  const def = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!def || def.version >= 10) return false;
  for (const node of model.graph.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    if (CHANGED_IN_10.has(node.opType)) {
      throw new BitbenchError('UNSUPPORTED_OP', `Node "${node.name}" (${node.opType}) is an opset-${def.version} form that changed in opset 10, and quantized graphs need opset 10 or newer.`, 'Export the model again with opset 13 or newer.');
    }
    if (node.opType === 'Slice') {
      const add = (suffix: string, values: number[]): string => {
        const name = `${node.name}_${suffix}`;
        model.graph.initializers.set(name, { name, dataType: DataType.INT64, dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(Math.max(-(2 ** 62), Math.min(2 ** 62, v))))) });
        return name;
      };
      const starts = attrInts(node, 'starts') ?? [];
      const ends = attrInts(node, 'ends') ?? [];
      const axes = attrInts(node, 'axes');
      node.inputs = [node.inputs[0], add('starts', starts), add('ends', ends), ...(axes ? [add('axes', axes)] : [])];
      node.attributes = [];
    }
  }
  def.version = 10;
  return true;
}

/** Ops whose axes moved from an attribute to an optional input in opset 18 (ReduceSum did in 13). */
const REDUCE_AXES_TO_INPUT_18 = new Set(['ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

/**
 * Ops whose meaning changed between opsets 18 and 21 in a way Bitbench does not rewrite:
 * GroupNormalization-21 takes per-channel scale and bias instead of per-group ones, DFT-20 takes
 * its axis as an input and changed how the onesided output is laid out.
 */
const REFUSED_UP_TO_21: Record<string, string> = {
  GroupNormalization: 'its scale and bias changed from per-group to per-channel in opset 21',
  DFT: 'its axis became an input and its signature changed in opset 20',
};

/** The newest opset the upgrader knows (the first with INT4 DequantizeLinear). */
export const NEWEST_UPGRADE_OPSET = 21;
/** The oldest opset the 17 -> 21 upgrader starts from (older models change form in many more ops). */
export const OLDEST_UPGRADE_OPSET = 17;

/** The IR version each opset needs (onnx/helper.py VERSION_TABLE). */
const IR_FOR_OPSET: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** Op types inside the subgraphs (If/Loop/Scan bodies) of a node, as protobufjs decoded them. */
function subgraphOps(node: Node): Array<{ name: string; opType: string }> {
  const found: Array<{ name: string; opType: string }> = [];
  const visit = (g: unknown): void => {
    const nodes = (g as { node?: Array<{ name?: string; op_type?: string; domain?: string; attribute?: Array<{ g?: unknown; graphs?: unknown[] }> }> } | null)?.node ?? [];
    for (const n of nodes) {
      if (n.domain && n.domain !== 'ai.onnx') continue;
      found.push({ name: n.name ?? '', opType: n.op_type ?? '' });
      for (const a of n.attribute ?? []) {
        if (a.g) visit(a.g);
        for (const sg of a.graphs ?? []) visit(sg);
      }
    }
  };
  for (const a of node.attributes) {
    if (a.g) visit(a.g);
    for (const sg of (a.graphs as unknown[] | undefined) ?? []) visit(sg);
  }
  return found;
}

function needsRewrite(opType: string, from: number): boolean {
  return (from < 18 && (REDUCE_AXES_TO_INPUT_18.has(opType) || opType === 'Split')) || (from < 20 && opType === 'GridSample');
}

/**
 * Upgrades a model from opset 17..20 to `target` (up to 21), returning a new Model (the input is not
 * modified; unchanged nodes and tensors are shared). What changed in that range for the ops
 * Bitbench meets, and what this does:
 *
 *   opset 18  Reduce{Max,Min,Mean,Prod,L1,L2,LogSum,LogSumExp,SumSquare}: axes attribute -> INT64 input (rewritten)
 *             Split: without a `split` input, `num_outputs` is now required (set to the output count)
 *             Pad (axes input), Resize (antialias, axes), ScatterND/Elements (min/max), LpPool: additions only
 *   opset 19  AveragePool (dilations), Pad (wrap), Resize (half_pixel_symmetric), Cast/QuantizeLinear
 *             (saturate, float8 only), Reshape/Shape/Size/Identity/Constant: additions only
 *   opset 20  GridSample: modes 'bilinear'/'bicubic' renamed 'linear'/'cubic' (rewritten);
 *             DFT: refused; ConstantOfShape, IsInf/IsNaN, ReduceMax/Min: new types only
 *   opset 21  DequantizeLinear/QuantizeLinear (INT4/UINT4, block_size), Cast, Flatten, Pad, Reshape,
 *             Squeeze, Unsqueeze, Transpose, ...: new types only; GroupNormalization: refused
 *
 * Nodes of other domains (com.microsoft) are left as they are. Ops inside If/Loop/Scan bodies that
 * would need a rewrite are refused by name (their bodies stay in protobuf form).
 */
export function upgradeOpset(model: Model, target: number): Model {
  const def = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const from = def?.version ?? 1;
  if (target === from) return model;
  if (target < from) throw new BitbenchError('BAD_REQUEST', `The model has opset ${from}; Bitbench does not convert opsets downward (asked for ${target}).`, `Ask for opset ${from} or newer, up to ${NEWEST_UPGRADE_OPSET}.`);
  if (target > NEWEST_UPGRADE_OPSET) throw new BitbenchError('BAD_REQUEST', `Bitbench upgrades models up to opset ${NEWEST_UPGRADE_OPSET} (asked for ${target}).`, `Ask for --opset ${NEWEST_UPGRADE_OPSET}.`);
  if (from < OLDEST_UPGRADE_OPSET) throw new BitbenchError('BAD_REQUEST', `The model has opset ${from}; Bitbench upgrades opsets from ${OLDEST_UPGRADE_OPSET} upward.`, `Export the model again with opset ${OLDEST_UPGRADE_OPSET} or newer (torch.onnx.export(..., opset_version=${OLDEST_UPGRADE_OPSET})), then ask for --opset ${target}.`);
  const initializers = new Map(model.graph.initializers);
  const nodes = model.graph.nodes.map((node): Node => {
    if (node.domain !== '' && node.domain !== 'ai.onnx') return node;
    const refused = REFUSED_UP_TO_21[node.opType];
    if (refused) throw new BitbenchError('UNSUPPORTED_OP', `Node "${node.name}" (${node.opType}) cannot be upgraded from opset ${from} to ${target}: ${refused}.`, `Keep the model's opset ${from} (INT4 weights then stay INT8 with 16 levels), or export it from the framework at opset ${target}.`);
    for (const inner of subgraphOps(node)) {
      if (REFUSED_UP_TO_21[inner.opType] || needsRewrite(inner.opType, from)) {
        throw new BitbenchError('UNSUPPORTED_OP', `Node "${inner.name}" (${inner.opType}) inside the body of "${node.name}" (${node.opType}) changed form between opset ${from} and ${target}; Bitbench does not rewrite subgraph bodies.`, `Keep the model's opset ${from}, or export it from the framework at opset ${target}.`);
      }
    }
    if (!needsRewrite(node.opType, from)) return node;
    if (node.opType === 'Split') {
      if ((node.inputs[1] ?? '') !== '' || findAttribute(node, 'num_outputs')) return node;
      return { ...node, attributes: [...node.attributes, intAttribute('num_outputs', node.outputs.length)] };
    }
    if (node.opType === 'GridSample') {
      const mode = attrString(node, 'mode', 'bilinear');
      const renamed = mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : mode;
      return { ...node, attributes: [...node.attributes.filter((a) => a.name !== 'mode'), { name: 'mode', type: AttributeType.STRING, s: new TextEncoder().encode(renamed) }] };
    }
    // Reduce*: axes attribute -> INT64 input
    const axes = attrInts(node, 'axes');
    if (!axes) return node;
    const name = `${node.name || node.outputs[0]}_axes`;
    initializers.set(name, { name, dataType: DataType.INT64, dims: [axes.length], data: BigInt64Array.from(axes.map(BigInt)) });
    return { ...node, inputs: [node.inputs[0], name], attributes: node.attributes.filter((a) => a.name !== 'axes') };
  });
  const opsets = model.opsets.map((o) => (o === def ? { ...o, version: target } : o));
  return { ...model, irVersion: Math.max(model.irVersion, IR_FOR_OPSET[target]), opsets, graph: { ...model.graph, nodes, initializers } };
}
