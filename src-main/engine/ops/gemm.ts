/** Gemm (fully connected) with a constant B, and MatMul with a constant or an activation second input. */
import { attrInt, elementCount } from '../onnx/ir.js';
import type { OpHandler } from './types.js';

export const gemmHandler: OpHandler = {
  layer(node, ctx) {
    const out = ctx.dims(node.outputs[0]);
    const transB = attrInt(node, 'transB', 0);
    if (!ctx.isConstant(node.inputs[1])) {
      const a = ctx.dims(node.inputs[0]);
      const k = attrInt(node, 'transA', 0) ? a[0] : a[a.length - 1];
      return { node, weightInput: -1, biasInput: -1, channelAxis: 0, activationInputs: node.inputs.slice(0, 2).filter((t) => ctx.isFloatActivation(t)), params: 0, macs: elementCount(out) * k };
    }
    const w = ctx.dims(node.inputs[1]);
    const k = transB ? w[1] : w[0];
    const biasInput = node.inputs[2] && ctx.isConstant(node.inputs[2]) ? 2 : -1;
    const params = elementCount(w) + (biasInput >= 0 ? elementCount(ctx.dims(node.inputs[2])) : 0);
    return { node, weightInput: 1, biasInput, channelAxis: transB ? 0 : 1, activationInputs: [node.inputs[0]], params, macs: elementCount(out) * k };
  },
};

export const matMulHandler: OpHandler = {
  layer(node, ctx) {
    const out = ctx.dims(node.outputs[0]);
    const a = ctx.dims(node.inputs[0]);
    const k = a[a.length - 1];
    const macs = elementCount(out) * k;
    if (ctx.isConstant(node.inputs[1]) && ctx.dims(node.inputs[1]).length === 2 && ctx.isFloatActivation(node.inputs[0])) {
      const w = ctx.dims(node.inputs[1]);
      return { node, weightInput: 1, biasInput: -1, channelAxis: 1, activationInputs: [node.inputs[0]], params: elementCount(w), macs };
    }
    const activations = node.inputs.filter((t) => ctx.isFloatActivation(t));
    if (activations.length === 0) return null;
    return { node, weightInput: -1, biasInput: -1, channelAxis: 0, activationInputs: activations, params: 0, macs };
  },
};
