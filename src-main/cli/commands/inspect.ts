/** `bitbench inspect MODEL`: inputs, outputs, quantizable layers (params, MACs) and quantizer groups. */
import { InvalidArgumentError, type Command } from 'commander';
import { inspectModel } from '../../engine/index.js';
import type { CliContext } from '../context.js';

export function registerInspectCommand(program: Command, ctx: CliContext): void {
  program
    .command('inspect')
    .description('show the layers, parameters, MACs and quantizer groups of an ONNX model')
    .argument('<model>', 'the .onnx file')
    .option('--input-shape <dims>', 'fix free input dimensions for the shape probe, e.g. 1x3x640x640', (v) => {
      const dims = v.split(/[x,]/i).map(Number);
      if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new InvalidArgumentError('write it like 1x3x224x224.');
      return dims;
    })
    .action(async (modelPath: string, opts: { inputShape?: number[] }) => {
      const info = await inspectModel(modelPath, { sampleDims: opts.inputShape?.slice(1) });
      const json = {
        ...info,
        layers: info.layers.map((l) => ({ name: l.name, op: l.op, params: l.params, macs: l.macs, weightShape: l.weightShape, inputs: l.inputs, output: l.output })),
        groups: info.groups.map((g) => ({ id: g.id, quantizers: g.quantizers, weightQuantizers: g.weightQuantizers, activationQuantizers: g.activationQuantizers })),
      };
      ctx.print(json, () =>
        [
          `${info.name}  opset ${info.opset}  ${info.params.toLocaleString('en')} quantizable params  ${info.macs.toLocaleString('en')} MACs/sample`,
          `inputs:  ${info.inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join('; ')}`,
          `outputs: ${info.outputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join('; ')}`,
          `${info.layers.length} layers:`,
          ...info.layers.map((l) => `  ${l.op.padEnd(13)} ${l.name}  params ${l.params}  MACs ${l.macs}`),
          `${info.groups.length} quantizer groups:`,
          ...info.groups.map((g) => `  ${g.id}: ${g.quantizers.join(', ')}`),
        ].join('\n'),
      );
    });
}
