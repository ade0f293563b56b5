/**
 * Canonicalization step 0: models at opset 9 move to opset 10, the first with QuantizeLinear and
 * QLinearConv (onnxruntime fuses QDQ into QLinear ops of the model's own opset, so an opset-9 QDQ
 * graph cannot even load). Between 9 and 10 only a few ops changed form; Slice is rewritten
 * (attributes become inputs), the others that changed meaning are refused by name.
 */
import { BitbenchError } from '../../api/errors.js';
import { type Model, attrInts } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';

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
