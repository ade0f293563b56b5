/**
 * Opening a model for quantization: decode, canonicalize, probe shapes, place quantizers, and
 * describe it as the API's ModelInfo. Everything later (calibration, simulation, export) starts here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import type { ModelInfo } from '../../api/quant.js';
import { decodeModel } from '../onnx/decode.js';
import { type Model, defaultOpset } from '../onnx/ir.js';
import { dataTypeName } from '../onnx/schema.js';
import { type CanonicalizeReport, canonicalize } from '../graph/canonicalize.js';
import { type TensorShape, inferShapes, probeInputDims } from '../graph/shapes.js';
import { type Placement, placeQuantizers } from '../placement/placement.js';

export interface LoadedModel {
  path: string;
  sha256: string;
  /** The canonical model (constants folded, BatchNorm folded). */
  model: Model;
  canonicalization: CanonicalizeReport;
  shapes: Map<string, TensorShape>;
  placement: Placement;
  info: ModelInfo;
  inputName: string;
  outputName: string;
}

/** Loads and analyses a model. `sampleDims` fixes free non-batch input dimensions. */
export async function loadModel(path: string, options: { sampleDims?: number[] } = {}): Promise<LoadedModel> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new BitbenchError('NOT_FOUND', `The model file ${path} cannot be read.`, 'Check the path to the .onnx file.', { cause: error });
  }
  const model = decodeModel(bytes, dirname(path), path);
  if (model.graph.inputs.length !== 1) {
    throw new BitbenchError('INVALID_MODEL', `The model has ${model.graph.inputs.length} inputs; Bitbench evaluates models with one input tensor.`, 'Export the model with a single image/tensor input.');
  }
  const canonicalization = canonicalize(model, dirname(path));
  const shapes = await inferShapes(model, probeInputDims(model, options.sampleDims));
  const placement = placeQuantizers(model.graph, shapes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const info: ModelInfo = {
    name: basename(path).replace(/\.onnx$/i, ''),
    sha256,
    opset: defaultOpset(model),
    inputs: model.graph.inputs.map((v) => ({ name: v.name, type: dataTypeName[v.elemType] ?? 'unknown', shape: v.shape ?? [] })),
    outputs: model.graph.outputs.map((v) => ({ name: v.name, type: dataTypeName[v.elemType] ?? 'unknown', shape: v.shape ?? [] })),
    layers: placement.layers.map((l) => ({
      name: l.node.name,
      op: l.node.opType,
      weightShape: l.weightInput >= 0 ? shapes.get(l.node.inputs[l.weightInput])!.dims : [],
      params: l.params,
      macs: l.macs,
      inputs: l.activationInputs,
      output: l.node.outputs[0],
    })),
    groups: placement.groups,
    params: placement.layers.reduce((s, l) => s + l.params, 0),
    macs: placement.layers.reduce((s, l) => s + l.macs, 0),
  };
  return { path, sha256, model, canonicalization, shapes, placement, info, inputName: model.graph.inputs[0].name, outputName: model.graph.outputs[0].name };
}
