/**
 * Storage formats of an exported (and simulated) QDQ model, applied as a post-pass over the graph
 * buildQdqModel writes. The simulator applies the same pass before it evaluates, so a format that
 * changes what onnxruntime computes changes the simulated value too, and export stays identical.
 *
 *   opset     17..20 -> 21 upgrade of the whole graph (graph/upgradeOpset.ts)
 *   INT4      MatMul/Gemm weights of <= 4 bits on 8-bit kernels: the INT8 levels (and zero points)
 *             become INT4, packed two per byte (DequantizeLinear-21 takes INT4):
 *
 *                 W_q(int8) -> DQ(axis) -> MatMul      becomes      W_q(int4) -> DQ(axis) -> MatMul
 *
 *   FP16      layers left in float (format 'fp32' or 'fp32-weights/int-activations'): weight and bias
 *             stored as FLOAT16 and cast to float; every activation input rounded to fp16 through a
 *             Cast pair; the layer itself computes in float32 (onnxruntime's CPU provider has no fp16
 *             Conv/MatMul/Gemm kernels, and a device computing in fp16 reads the same fp16 inputs):
 *
 *                 x -> Conv(W, B)         becomes      x -> Cast(fp16) -> Cast(float) -> Conv(Cast(W16), Cast(B16))
 */
import { BitbenchError } from '../../api/errors.js';
import { upgradeOpset } from '../graph/upgradeOpset.js';
import { type Graph, type Model, type Node, type Tensor, defaultOpset, intAttribute } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import type { LayerSpec } from '../ops/types.js';
import type { LayerFormat, QuantPlan } from '../simulate/plan.js';
import type { QdqBuildResult } from '../simulate/qdqGraph.js';
import { toHalfBits } from './float16.js';
import { int4Tensor } from './int4.js';

/** The first opset whose DequantizeLinear accepts INT4. */
export const INT4_OPSET = 21;

/** What a caller may ask for (CLI flags --opset, --w4-storage, --float). */
export interface ExportFormatOptions {
  /** Upgrade the model to this opset (17..21); default: the model's own. */
  opset?: number;
  /** Storage of MatMul/Gemm weights with <= 4 bits; default 'int4' at opset >= 21, else 'int8'. */
  lowBitWeights?: 'int4' | 'int8';
  /** Layers left in float: 'fp32' (default) or 'fp16' (see the module comment). */
  float?: 'fp32' | 'fp16';
}

/** The resolved format (plain data; goes into the manifest). */
export interface ExportFormat {
  sourceOpset: number;
  opset: number;
  lowBitWeights: 'int4' | 'int8';
  float: 'fp32' | 'fp16';
}

/** How a layer is stored and runs in the exported model. */
export type ExportedLayerFormat = LayerFormat | 'int4-weights/int8-activations' | 'fp16' | 'fp16-weights/int-activations';

/** Element type of a layer's weight as stored in the file (null: no constant weight). */
export type WeightStorage = 'int4' | 'int8' | 'float32' | 'float16' | null;

export interface FormattedModel extends QdqBuildResult {
  format: ExportFormat;
  formats: Record<string, ExportedLayerFormat>;
  weightStorage: Record<string, WeightStorage>;
}

const INT4_OPS = new Set(['MatMul', 'Gemm']);

/**
 * Resolves and checks the options against a model: the upgrade is tried once here, so an op that
 * cannot be upgraded is refused before any calibration work.
 */
export function resolveExportFormat(model: Model, options: ExportFormatOptions = {}): ExportFormat {
  const sourceOpset = defaultOpset(model);
  const opset = options.opset ?? sourceOpset;
  upgradeOpset(model, opset);
  const lowBitWeights = options.lowBitWeights ?? (opset >= INT4_OPSET ? 'int4' : 'int8');
  if (lowBitWeights === 'int4' && opset < INT4_OPSET) {
    throw new BitbenchError(
      'UNSUPPORTED_PRECISION',
      `INT4 weights need DequantizeLinear from opset ${INT4_OPSET}; the model has opset ${opset}.`,
      `Add --opset ${INT4_OPSET} (Bitbench upgrades the model; ops it cannot upgrade are named), or --w4-storage int8 to store 4-bit weights as INT8 with 16 levels.`,
    );
  }
  return { sourceOpset, opset, lowBitWeights, float: options.float ?? 'fp32' };
}

/** Applies a resolved format to a built QDQ model (which is not modified). */
export function applyExportFormat(built: QdqBuildResult, layers: LayerSpec[], plan: QuantPlan, format: ExportFormat): FormattedModel {
  const model = upgradeOpset(built.model, format.opset);
  const graph: Graph = { ...model.graph, nodes: model.graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs] })), initializers: new Map(model.graph.initializers) };
  const formats: Record<string, ExportedLayerFormat> = { ...built.layerFormats };
  const weightBits = new Map(plan.weights.map((w) => [w.layer, w.bits]));
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));

  if (format.lowBitWeights === 'int4') {
    for (const spec of layers) {
      if (!INT4_OPS.has(spec.node.opType) || built.layerFormats[spec.node.name] !== 'int8' || (weightBits.get(spec.node.name) ?? 99) > 4) continue;
      const dq = producer.get(byName.get(spec.node.name)!.inputs[spec.weightInput]);
      if (dq?.opType !== 'DequantizeLinear') continue;
      for (const name of [dq.inputs[0], dq.inputs[2]]) {
        const t = graph.initializers.get(name)!;
        graph.initializers.set(name, int4Tensor(name, t.dims, t.data as Int8Array));
      }
      formats[spec.node.name] = 'int4-weights/int8-activations';
    }
  }

  if (format.float === 'fp16') roundFloatLayersToFp16(graph, layers, built.layerFormats, formats);

  const weightStorage: Record<string, WeightStorage> = {};
  for (const spec of layers) weightStorage[spec.node.name] = storageOf(graph, producer, byName.get(spec.node.name)!, spec);
  return { ...built, model: { ...model, graph }, format, formats, weightStorage };
}

const FLOAT_LAYER_FORMATS = new Set<LayerFormat>(['fp32', 'fp32-weights/int-activations']);

/** The FP16 rewrite of the module comment, in place on `graph` (already a private copy). */
function roundFloatLayersToFp16(graph: Graph, layers: LayerSpec[], layerFormats: Record<string, LayerFormat>, formats: Record<string, ExportedLayerFormat>): void {
  const fp16Layers = new Map(layers.filter((l) => FLOAT_LAYER_FORMATS.has(layerFormats[l.node.name])).map((l) => [l.node.name, l]));
  const weightCasts: Node[] = [];
  const roundedName = new Map<string, string>(); // activation -> its fp16-rounded copy
  const nodes: Node[] = [];
  const key = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');
  const castNode = (name: string, input: string, output: string, to: number): Node => ({ name, opType: 'Cast', domain: '', inputs: [input], outputs: [output], attributes: [intAttribute('to', to)] });
  for (const node of graph.nodes) {
    const spec = fp16Layers.get(node.name);
    if (!spec) {
      nodes.push(node);
      continue;
    }
    node.inputs = node.inputs.map((input, i) => {
      if (input === '') return input;
      const constant = graph.initializers.get(input);
      if (constant) {
        if (constant.dataType !== DataType.FLOAT || (i !== spec.weightInput && i !== spec.biasInput)) return input;
        const half: Tensor = { name: `${key(input)}_fp16`, dataType: DataType.FLOAT16, dims: constant.dims, data: toHalfBits(constant.data as Float32Array) };
        graph.initializers.set(half.name, half);
        const out = `${key(input)}_from_fp16`;
        if (!weightCasts.some((c) => c.outputs[0] === out)) weightCasts.push(castNode(`${key(input)}_Cast`, half.name, out, DataType.FLOAT));
        return out;
      }
      let rounded = roundedName.get(input);
      if (!rounded) {
        rounded = `${key(input)}_fp16_rounded`;
        roundedName.set(input, rounded);
        nodes.push(castNode(`${key(input)}_CastToFp16`, input, `${key(input)}_fp16`, DataType.FLOAT16), castNode(`${key(input)}_CastFromFp16`, `${key(input)}_fp16`, rounded, DataType.FLOAT));
      }
      return rounded;
    });
    nodes.push(node);
    formats[node.name] = layerFormats[node.name] === 'fp32' ? 'fp16' : 'fp16-weights/int-activations';
  }
  graph.nodes = [...weightCasts, ...nodes];
  // float32 originals no other node reads
  const used = new Set([...graph.nodes.flatMap((n) => n.inputs), ...graph.outputs.map((o) => o.name)]);
  for (const name of [...graph.initializers.keys()]) if (!used.has(name)) graph.initializers.delete(name);
}

function storageOf(graph: Graph, producer: Map<string, Node>, node: Node, spec: LayerSpec): WeightStorage {
  if (spec.weightInput < 0) return null;
  let name = node.inputs[spec.weightInput];
  const p = producer.get(name) ?? graph.nodes.find((n) => n.outputs[0] === name);
  if (p && (p.opType === 'DequantizeLinear' || p.opType === 'Cast')) name = p.inputs[0];
  const t = graph.initializers.get(name);
  const names: Record<number, WeightStorage> = { [DataType.INT4]: 'int4', [DataType.INT8]: 'int8', [DataType.FLOAT]: 'float32', [DataType.FLOAT16]: 'float16' };
  return t ? (names[t.dataType] ?? null) : null;
}
