/**
 * The one graph rewrite behind both simulation and export: a canonical float model plus a QuantPlan
 * become a QDQ model. Simulated values are, by definition, what onnxruntime computes on this graph,
 * and the exported file is this graph, so simulation and export are numerically identical.
 *
 * Activation t with b <= 8 bits (uint8 levels 0..2^b-1; b > 8 uses uint16 in com.microsoft):
 *
 *     producer -> t -> consumers          producer -> t -> QuantizeLinear(S,Z) -> [Min(q, 2^b-1)] -> DequantizeLinear(S,Z) -> consumers
 *
 *   The Min on the integer tensor restricts the levels to the b-bit grid (QuantizeLinear alone
 *   saturates at 255); a second Q/DQ pair would not do, onnxruntime merges double pairs and rescales.
 *   When t comes out of a Relu/Clip whose bounds contain the quantizer's range, Q reads the clamp's
 *   input instead (the clamp is then a no-op), which lets onnxruntime fuse Conv -> Q into its
 *   integer kernels:
 *
 *     Conv -> Clip(0,6) -> t -> Q      becomes      Conv -> Q -> Min -> DQ
 *
 * Activation t with b > 8 bits is fake-quantized in float (onnxruntime's UINT16 Q/DQ kernels are
 * slower and its optimizer rewrites UINT16 Q/DQ pairs, changing their numbers). Two forms:
 *
 *   elementwise (any tensor):  t -> Div(S) -> Add(1.5*2^23) -> Sub(1.5*2^23) -> Clip(-Z, qmax-Z) -> Mul(S)
 *     exactly UINT16 QuantizeLinear/DequantizeLinear: division, half-to-even rounding, saturation.
 *
 *   channel-blocked (t computed by 2-D convolutions with C % 16 == 0, through Relu/Clip/Add):
 *     t -> Conv1x1dw(w=fl(1/S), b=1.5*2^23) -> Clip(1.5*2^23-Z, 1.5*2^23+qmax-Z) -> Conv1x1dw(w=1, b=-1.5*2^23) -> Conv1x1dw(w=S)
 *     levels round(t * fl(1/S)) (a product with the float32 reciprocal, not a division: the two
 *     differ only for values within an ulp of a rounding boundary), saturated, times S. onnxruntime
 *     fuses the Clip into the first convolution and keeps all three in its NCHWc layout, where
 *     elementwise ops with a constant operand would force a reorder to NCHW and back around every
 *     quantizer (2-3x on the CNNs). The levels are exact integers in float32, so the result is
 *     exactly level * S.
 *
 * Weights of layer L with w bits: when w <= 8 and every activation input of L has <= 8 bits, int8
 * levels + DequantizeLinear (per channel) and an int32 bias with scale S_x*S_w (what an integer
 * kernel needs); otherwise a float constant holding exactly S_w*q (onnxruntime pre-packs it).
 */
import type { Graph, Model, Node, Tensor } from '../onnx/ir.js';
import { attrFloat, defaultOpset, floatAttribute, intAttribute } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';
import { tensorAsFloat } from '../onnx/tensor.js';
import { roundHalfEven } from '../quant/arithmetic.js';
import { dequantizeWeight } from '../quant/weights.js';
import type { LayerSpec } from '../ops/types.js';
import type { ActivationPlan, LayerFormat, QuantPlan, WeightPlan } from './plan.js';

export interface QdqBuildResult {
  model: Model;
  /** Format each quantizable layer runs in. */
  layerFormats: Record<string, LayerFormat>;
  /** Tensor name in the rewritten graph holding each layer's float output (for taps). */
  layerOutputs: Record<string, string>;
}

const MS_DOMAIN = 'com.microsoft';

function scalarF32(name: string, v: number): Tensor {
  return { name, dataType: DataType.FLOAT, dims: [], data: new Float32Array([v]) };
}

function intScalar(name: string, v: number, wide: boolean): Tensor {
  return wide ? { name, dataType: DataType.UINT16, dims: [], data: new Uint16Array([v]) } : { name, dataType: DataType.UINT8, dims: [], data: new Uint8Array([v]) };
}

/** Clamp bounds of a Relu/Clip node, or null when they are not constants. */
function clampBounds(node: Node, graph: Graph): { lo: number; hi: number } | null {
  if (node.opType === 'Relu') return { lo: 0, hi: Infinity };
  if (node.opType !== 'Clip') return null;
  if (node.inputs.length <= 1) return { lo: attrFloat(node, 'min', -Infinity), hi: attrFloat(node, 'max', Infinity) };
  const bound = (name: string | undefined, fallback: number): number | null => {
    if (!name) return fallback;
    const t = graph.initializers.get(name);
    return t ? tensorAsFloat(t)[0] : null;
  };
  const lo = bound(node.inputs[1], -Infinity);
  const hi = bound(node.inputs[2], Infinity);
  return lo === null || hi === null ? null : { lo, hi };
}

/**
 * True when clamping to [lo, hi] before the quantizer changes no level: the bounds themselves
 * already quantize to the grid's ends (then everything beyond them does too, rounding being
 * monotone). Compared on levels, not reals, so a scale rounded to float32 (6/15 * 15 = 6.0000002)
 * does not defeat it.
 */
function clampIsRedundant(bounds: { lo: number; hi: number }, a: ActivationPlan): boolean {
  const level = (v: number): number => roundHalfEven(Math.fround(v / a.scale)) + a.zeroPoint;
  const top = bounds.hi === Infinity || level(bounds.hi) >= a.qmax;
  const bottom = bounds.lo === -Infinity || level(bounds.lo) <= 0;
  return top && bottom;
}

/** A Clip node: bounds as inputs from opset 11, as attributes before. */
function clipNode(graph: Graph, name: string, input: string, output: string, lo: number, hi: number, opset: number): Node {
  if (opset < 11) return { name, opType: 'Clip', domain: '', inputs: [input], outputs: [output], attributes: [floatAttribute('min', lo), floatAttribute('max', hi)] };
  graph.initializers.set(`${name}_min`, scalarF32(`${name}_min`, lo));
  graph.initializers.set(`${name}_max`, scalarF32(`${name}_max`, hi));
  return { name, opType: 'Clip', domain: '', inputs: [input, `${name}_min`, `${name}_max`], outputs: [output], attributes: [] };
}

/** 1.5 * 2^23: adding and subtracting it rounds a float32 to an integer, half to even, for |x| < 2^22. */
const ROUND_MAGIC = 12582912;

/**
 * onnxruntime's NCHWc block (8 floats with AVX2, 16 with AVX-512): channel counts that are a
 * multiple of 16 stay blocked on either.
 */
const NCHWC_BLOCK = 16;

/**
 * Channel count of a tensor that onnxruntime computes in its NCHWc layout: the output of a 2-D
 * Conv with a block-aligned channel count, or of Relu/Clip/Add over such tensors. 0 otherwise
 * (then the elementwise form is as fast and keeps the standard division).
 */
function blockedChannels(tensor: string, producer: Map<string, Node>, graph: Graph, depth = 0): number {
  const p = producer.get(tensor);
  if (!p || depth > 8) return 0;
  if (p.opType === 'Conv' && p.domain === '') {
    const w = graph.initializers.get(p.inputs[1]);
    return w && w.dims.length === 4 && w.dims[0] % NCHWC_BLOCK === 0 ? w.dims[0] : 0;
  }
  if (p.opType === 'Relu' || p.opType === 'Clip') return blockedChannels(p.inputs[0], producer, graph, depth + 1);
  if (p.opType === 'Add' && p.inputs.length === 2) {
    const a = blockedChannels(p.inputs[0], producer, graph, depth + 1);
    return a > 0 && a === blockedChannels(p.inputs[1], producer, graph, depth + 1) ? a : 0;
  }
  return 0;
}

/** Kahn's algorithm, stable: among ready nodes, the earlier in the list goes first. */
function topoSort(graph: Graph): Node[] {
  const available = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name), '']);
  const waiting = new Map<string, number[]>(); // tensor -> nodes waiting for it
  const missing = graph.nodes.map((n, i) => {
    const needs = new Set(n.inputs.filter((x) => !available.has(x)));
    for (const x of needs) waiting.set(x, [...(waiting.get(x) ?? []), i]);
    return needs.size;
  });
  const ready = graph.nodes.map((_, i) => i).filter((i) => missing[i] === 0);
  const sorted: Node[] = [];
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    sorted.push(graph.nodes[i]);
    for (const o of graph.nodes[i].outputs) {
      for (const j of waiting.get(o) ?? []) if (--missing[j] === 0) ready.push(j);
      waiting.delete(o);
    }
  }
  if (sorted.length !== graph.nodes.length) {
    const stuck = graph.nodes.find((_, i) => missing[i] > 0)!;
    throw new Error(`graph rewrite left a cycle or a dangling input at ${stuck.name}: ${stuck.inputs.filter((x) => !available.has(x) && waiting.has(x))}`);
  }
  return sorted;
}

/**
 * Whether a layer with 8-bit weights and inputs is a convolution whose output goes, directly or
 * through a Relu/Clip, to a quantizer wider than 8 bits (in a mixed configuration). onnxruntime
 * fuses a convolution into QLinearConv only when an 8-bit QuantizeLinear follows it; this one would
 * run as a float convolution on weights dequantized at every run, which it can neither pre-pack
 * nor move into its NCHWc layout: 2.5-8x slower than the same convolution on float constants
 * (ResNet-20, W8A8 layers before W8A16 ones: 2.8x FP32 time against 1.4x). Such a layer gets the
 * float constants S_w*q, the values DequantizeLinear would compute. Convolutions feeding float
 * operations (a network's last one, before pooling) keep their INT8 storage: an all-8-bit export
 * stays INT8 QDQ throughout, for runtimes that run it on integer kernels with a float output.
 */
function floatKernelBeforeWideQuantizer(node: Node, readers: Map<string, Node[]>, wideSources: Set<string>): boolean {
  if (node.opType !== 'Conv' && node.opType !== 'ConvTranspose') return false;
  const out = node.outputs[0];
  if (wideSources.has(out)) return true; // read directly (through a clamp made redundant, or none)
  const next = readers.get(out) ?? [];
  return next.length === 1 && (next[0].opType === 'Relu' || next[0].opType === 'Clip') && wideSources.has(next[0].outputs[0]);
}

/**
 * The INT8 and float copies of a layer's quantized weight, made once per levels array: a search
 * builds hundreds of graphs from the same few (layer, bits) weights, and copying them was a fifth
 * of the graph build. Initializer data is never written in place after the build.
 */
interface WeightCopies {
  scales: Float32Array;
  int8?: Int8Array;
  float?: Float32Array;
}
const weightCopies = new WeakMap<Int32Array, WeightCopies>();
function copiesOf(w: WeightPlan): WeightCopies {
  let entry = weightCopies.get(w.levels);
  if (!entry || entry.scales !== w.scales) weightCopies.set(w.levels, (entry = { scales: w.scales }));
  return entry;
}

function removeDeadNodes(graph: Graph): void {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (n.outputs.some((o) => needed.has(o))) {
      kept.push(n);
      for (const x of n.inputs) needed.add(x);
    }
  }
  graph.nodes = kept.reverse();
  for (const name of [...graph.initializers.keys()]) if (!needed.has(name)) graph.initializers.delete(name);
}

export interface QdqBuildOptions {
  /**
   * Form of activations wider than 8 bits: 'qdq16' (UINT16 QuantizeLinear/DequantizeLinear of
   * com.microsoft, the deployable form) or 'fakequant' (Div, round via +-1.5*2^23, Clip, Mul in float: the same
   * numbers, and several times faster in onnxruntime, whose 16-bit Q/DQ kernels are scalar, and
   * whose optimizer rewrites UINT16 Q/DQ pairs and changes their numbers).
   * A test proves both forms give identical outputs. Default 'fakequant' (what the simulator
   * evaluates and exports).
   */
  wideActivations?: 'qdq16' | 'fakequant';
  /**
   * Use the channel-blocked form of 'fakequant' where it applies (default true; false only for tests
   * that compare the elementwise form with QuantizeLinear/DequantizeLinear everywhere).
   */
  blockedForm?: boolean;
}

/** Rewrites a canonical model into the QDQ model for a plan. The input model is not modified. */
export function buildQdqModel(model: Model, layers: LayerSpec[], plan: QuantPlan, options: QdqBuildOptions = {}): QdqBuildResult {
  const graph: Graph = {
    ...model.graph,
    nodes: model.graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] })),
    initializers: new Map(model.graph.initializers),
  };
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  // Where each tensor is read (node, input index): rewiring a quantized tensor touches only its readers.
  const readers = new Map<string, Array<[Node, number]>>();
  for (const n of graph.nodes) n.inputs.forEach((x, i) => (readers.get(x) ?? readers.set(x, []).get(x)!).push([n, i]));
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const activation = new Map<string, ActivationPlan>(plan.activations.map((a) => [a.tensor, a]));
  let usesMsDomain = false;
  const added: Node[] = [];
  const wideSources = new Set<string>(); // tensors read by a quantizer wider than 8 bits
  // Opsets below 13 lack per-channel DequantizeLinear (and below 10 Q/DQ at all): those models get
  // com.microsoft Q/DQ, which onnxruntime runs the same way.
  const opset = defaultOpset(model);

  for (const a of plan.activations) {
    const t = a.tensor;
    const wide = a.bits > 8;
    const fullMax = wide ? 65535 : 255;
    // Read through a clamp the quantizer makes redundant (see the diagram above).
    let source = t;
    const p = producer.get(t);
    const bounds = p ? clampBounds(p, graph) : null;
    if (p && bounds && !graphOutputs.has(t) && clampIsRedundant(bounds, a)) source = p.inputs[0];
    const key = t.replace(/[^A-Za-z0-9_]/g, '_');
    const s = `${key}_scale`;
    const dq = `${key}_dequantized`;
    let shapeInput = dq;
    graph.initializers.set(s, scalarF32(s, a.scale));
    if (wide) wideSources.add(source);
    const channels = wide && options.blockedForm !== false ? blockedChannels(source, producer, graph) : 0;
    if (wide && (options.wideActivations ?? 'fakequant') === 'fakequant' && channels > 0) {
      // Channel-blocked form (see the header): three 1x1 depthwise convolutions, which onnxruntime
      // keeps in its NCHWc layout between the layer's convolutions (elementwise ops with a scalar
      // constant would force a reorder out of and back into it around every quantizer).
      const depthwise = (suffix: string, input: string, output: string, weight: number, bias: number | null): Node => {
        const w = `${key}_${suffix}_w`;
        graph.initializers.set(w, { name: w, dataType: DataType.FLOAT, dims: [channels, 1, 1, 1], data: new Float32Array(channels).fill(weight) });
        const inputs = [input, w];
        if (bias !== null) {
          const b = `${key}_${suffix}_b`;
          graph.initializers.set(b, { name: b, dataType: DataType.FLOAT, dims: [channels], data: new Float32Array(channels).fill(bias) });
          inputs.push(b);
        }
        return { name: `${key}_${suffix}`, opType: 'Conv', domain: '', inputs, outputs: [output], attributes: [intAttribute('group', channels)] };
      };
      graph.initializers.delete(s);
      added.push(
        depthwise('RoundConv', source, `${key}_shifted`, Math.fround(1 / a.scale), ROUND_MAGIC),
        clipNode(graph, `${key}_Clip`, `${key}_shifted`, `${key}_shifted_clipped`, ROUND_MAGIC - a.zeroPoint, ROUND_MAGIC + a.qmax - a.zeroPoint, opset),
        depthwise('UnshiftConv', `${key}_shifted_clipped`, `${key}_levels`, 1, -ROUND_MAGIC),
        depthwise('ScaleConv', `${key}_levels`, dq, a.scale, null),
      );
    } else if (wide && (options.wideActivations ?? 'fakequant') === 'fakequant') {
      // Float form of Q/DQ: same division, same half-to-even rounding, same saturation, same product.
      // Rounding adds and subtracts 1.5 * 2^23, which rounds half to even in float32 for
      // |x| < 2^22 (far beyond 16-bit levels): measured 1.5x faster than onnxruntime's Round (a
      // scalar loop) with identical outputs, and it exists at every opset.
      const rounded = `${key}_rounded`;
      const magic = `${key}_round_magic`;
      graph.initializers.set(magic, scalarF32(magic, ROUND_MAGIC));
      added.push(
        { name: `${key}_Div`, opType: 'Div', domain: '', inputs: [source, s], outputs: [`${key}_scaled`], attributes: [] },
        { name: `${key}_RoundAdd`, opType: 'Add', domain: '', inputs: [`${key}_scaled`, magic], outputs: [`${key}_shifted`], attributes: [] },
        { name: `${key}_RoundSub`, opType: 'Sub', domain: '', inputs: [`${key}_shifted`, magic], outputs: [rounded], attributes: [] },
      );
      added.push(clipNode(graph, `${key}_Clip`, rounded, `${key}_levels`, -a.zeroPoint, a.qmax - a.zeroPoint, opset));
      added.push({ name: `${key}_Mul`, opType: 'Mul', domain: '', inputs: [`${key}_levels`, s], outputs: [dq], attributes: [] });
    } else {
      const qdqDomain = wide || opset < 13 ? MS_DOMAIN : '';
      usesMsDomain ||= qdqDomain === MS_DOMAIN;
      const z = `${key}_zero_point`;
      graph.initializers.set(z, intScalar(z, a.zeroPoint, wide));
      const q = `${key}_quantized`;
      const restrict = a.qmax < fullMax;
      if (restrict && opset < 12) {
        // No integer Min before opset 12: clamp the float to the grid's ends instead (same levels).
        added.push(clipNode(graph, `${key}_ClipToGrid`, source, `${key}_clamped`, a.scale * -a.zeroPoint, a.scale * (a.qmax - a.zeroPoint), opset));
        source = `${key}_clamped`;
      }
      added.push({ name: `${key}_QuantizeLinear`, opType: 'QuantizeLinear', domain: qdqDomain, inputs: [source, s, z], outputs: [q], attributes: [] });
      shapeInput = q;
      let levels = q;
      if (restrict && opset >= 12) {
        const m = `${key}_qmax`;
        graph.initializers.set(m, intScalar(m, a.qmax, wide));
        levels = `${key}_restricted`;
        added.push({ name: `${key}_Min`, opType: 'Min', domain: '', inputs: [q, m], outputs: [levels], attributes: [] });
      }
      added.push({ name: `${key}_DequantizeLinear`, opType: 'DequantizeLinear', domain: qdqDomain, inputs: [levels, s, z], outputs: [dq], attributes: [] });
    }
    // Shape/Size read only the dimensions: they read the integer tensor. onnxruntime gives each
    // reader of a DequantizeLinear its own copy, computed in full, and a second reader of the float
    // tensor would keep its producer out of the integer kernels.
    for (const [n, i] of readers.get(t) ?? []) n.inputs[i] = n.opType === 'Shape' || n.opType === 'Size' ? shapeInput : dq;
    for (const n of added) for (const o of n.outputs) producer.set(o, n);
  }

  // Who reads each tensor once the activations are rewritten (a clamp the rewrite made redundant
  // still counts until the dead nodes go, which floatKernelBeforeWideQuantizer allows for).
  const outputReaders = new Map<string, Node[]>();
  for (const n of [...graph.nodes, ...added]) for (const x of n.inputs) (outputReaders.get(x) ?? outputReaders.set(x, []).get(x)!).push(n);

  const layerFormats: Record<string, LayerFormat> = {};
  const layerOutputs: Record<string, string> = {};
  const weightPlans = new Map(plan.weights.map((w) => [w.layer, w]));
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  for (const spec of layers) {
    const node = byName.get(spec.node.name)!;
    layerOutputs[spec.node.name] = node.outputs[0];
    const inputPlans = spec.activationInputs.map((t) => activation.get(t));
    const actBits = inputPlans.map((ap) => ap?.bits ?? null);
    const actInt8 = actBits.length > 0 && actBits.every((b) => b !== null && b <= 8);
    const actQuantized = actBits.length > 0 && actBits.every((b) => b !== null);
    const w = weightPlans.get(spec.node.name);
    if (!w || spec.weightInput < 0) {
      layerFormats[spec.node.name] = spec.weightInput < 0 && actQuantized ? (actInt8 ? 'int8' : 'int16') : actQuantized ? 'fp32-weights/int-activations' : 'fp32';
      continue;
    }
    const weightName = node.inputs[spec.weightInput];
    const weight = graph.initializers.get(weightName)!;
    const key = spec.node.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (w.bits <= 8 && actInt8 && !floatKernelBeforeWideQuantizer(node, outputReaders, wideSources)) {
      const qName = `${key}_weight_quantized`;
      const sName = `${key}_weight_scale`;
      const zName = `${key}_weight_zero_point`;
      graph.initializers.set(qName, { name: qName, dataType: DataType.INT8, dims: weight.dims, data: (copiesOf(w).int8 ??= Int8Array.from(w.levels)) });
      graph.initializers.set(sName, { name: sName, dataType: DataType.FLOAT, dims: [w.scales.length], data: w.scales });
      graph.initializers.set(zName, { name: zName, dataType: DataType.INT8, dims: [w.scales.length], data: new Int8Array(w.scales.length) });
      const dq = `${key}_weight_dequantized`;
      added.push({ name: `${key}_weight_DequantizeLinear`, opType: 'DequantizeLinear', domain: opset < 13 ? MS_DOMAIN : '', inputs: [qName, sName, zName], outputs: [dq], attributes: [intAttribute('axis', spec.channelAxis)] });
      node.inputs[spec.weightInput] = dq;
      if (spec.biasInput >= 0 && inputPlans.length === 1) {
        // int32 bias at scale S_x * S_w[c]: the accumulator's own scale, as integer kernels need.
        const bias = tensorAsFloat(graph.initializers.get(node.inputs[spec.biasInput])!);
        const sx = inputPlans[0]!.scale;
        const bScale = new Float32Array(bias.length);
        const bLevels = new Int32Array(bias.length);
        for (let c = 0; c < bias.length; c++) {
          bScale[c] = Math.fround(sx * w.scales[w.scales.length === 1 ? 0 : c]);
          bLevels[c] = Math.max(-2147483648, Math.min(2147483647, roundHalfEven(bias[c] / bScale[c])));
        }
        const bq = `${key}_bias_quantized`;
        const bs = `${key}_bias_scale`;
        const bz = `${key}_bias_zero_point`;
        graph.initializers.set(bq, { name: bq, dataType: DataType.INT32, dims: [bias.length], data: bLevels });
        graph.initializers.set(bs, { name: bs, dataType: DataType.FLOAT, dims: [bias.length], data: bScale });
        graph.initializers.set(bz, { name: bz, dataType: DataType.INT32, dims: [bias.length], data: new Int32Array(bias.length) });
        const bdq = `${key}_bias_dequantized`;
        added.push({ name: `${key}_bias_DequantizeLinear`, opType: 'DequantizeLinear', domain: opset < 13 ? MS_DOMAIN : '', inputs: [bq, bs, bz], outputs: [bdq], attributes: [intAttribute('axis', 0)] });
        node.inputs[spec.biasInput] = bdq;
      }
      layerFormats[spec.node.name] = 'int8';
    } else {
      const fName = `${key}_weight_fakequant`;
      graph.initializers.set(fName, { name: fName, dataType: DataType.FLOAT, dims: weight.dims, data: (copiesOf(w).float ??= dequantizeWeight(w, weight.dims, spec.channelAxis)) });
      node.inputs[spec.weightInput] = fName;
      layerFormats[spec.node.name] = actInt8 && w.bits <= 8 ? 'int8-values/fp32-kernel' : actQuantized ? (w.bits <= 8 ? 'int8-weights/int16-activations' : 'int16') : 'int-weights/fp32-activations';
    }
  }

  graph.nodes = [...graph.nodes, ...added];
  graph.nodes = topoSort(graph);
  removeDeadNodes(graph); // needs topological order
  if (opset < 13 && added.some((n) => n.domain === MS_DOMAIN)) usesMsDomain = true;
  const opsets = usesMsDomain && !model.opsets.some((o) => o.domain === MS_DOMAIN) ? [...model.opsets, { domain: MS_DOMAIN, version: 1 }] : model.opsets;
  return { model: { ...model, opsets, graph }, layerFormats, layerOutputs };
}
