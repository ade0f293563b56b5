/** Conv and ConvTranspose (incl. grouped and depthwise): constant weight, optional constant bias. */
import { BitbenchError } from '../../api/errors.js';
import { attrInt, elementCount } from '../onnx/ir.js';
import type { OpHandler } from './types.js';

function requireConstantWeight(kind: string, nodeName: string, weight: string, isConstant: boolean): void {
  if (!isConstant) {
    throw new BitbenchError('UNSUPPORTED_OP', `${kind} node "${nodeName}" computes its weight "${weight}" at run time, so it cannot be quantized.`, 'Export the model with constant weights (for PyTorch: do_constant_folding=True).');
  }
}

export const convHandler: OpHandler = {
  layer(node, ctx) {
    requireConstantWeight('Conv', node.name, node.inputs[1], ctx.isConstant(node.inputs[1]));
    const w = ctx.dims(node.inputs[1]);
    const out = ctx.dims(node.outputs[0]);
    const biasInput = node.inputs[2] && ctx.isConstant(node.inputs[2]) ? 2 : -1;
    const params = elementCount(w) + (biasInput >= 0 ? w[0] : 0);
    return { node, weightInput: 1, biasInput, channelAxis: 0, activationInputs: [node.inputs[0]], params, macs: elementCount(out) * (elementCount(w) / w[0]) };
  },
};

export const convTransposeHandler: OpHandler = {
  layer(node, ctx) {
    requireConstantWeight('ConvTranspose', node.name, node.inputs[1], ctx.isConstant(node.inputs[1]));
    const w = ctx.dims(node.inputs[1]);
    const x = ctx.dims(node.inputs[0]);
    const group = attrInt(node, 'group', 1);
    const biasInput = node.inputs[2] && ctx.isConstant(node.inputs[2]) ? 2 : -1;
    const params = elementCount(w) + (biasInput >= 0 ? w[1] * group : 0);
    // Each input element is multiplied into (Cout/group) x kernel outputs.
    return { node, weightInput: 1, biasInput, channelAxis: group === 1 ? 1 : 0, activationInputs: [node.inputs[0]], params, macs: elementCount(x) * (elementCount(w) / w[0]) };
  },
};
