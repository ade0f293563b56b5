/**
 * The export manifest: which layer runs in which format in an exported QDQ model, the op counts a
 * test (or a user) can check against the file, and what a runtime must support. Plain data, written
 * as JSON beside the .onnx file.
 */
import type { QuantConfig } from '../../api/quant.js';
import { type ExportFormat, type ExportedLayerFormat, INT4_OPSET, type WeightStorage } from './format.js';

export interface ExportedLayer {
  name: string;
  op: string;
  group: string;
  weightBits: number | null;
  activationBits: number | null;
  /** How the layer is stored and runs; bit-widths below the storage width keep only their levels. */
  format: ExportedLayerFormat;
  /** Element type of the weight in the file (int4 packed two per byte; null without a constant weight). */
  weightStorage: WeightStorage;
}

export interface ExportManifest {
  model: string;
  modelSha256: string;
  file: string;
  /** Opset of the exported file. */
  opset: number;
  /** Opset of the source model (differs when the export upgraded it). */
  sourceOpset: number;
  /** Storage of MatMul/Gemm weights with <= 4 bits. */
  lowBitWeights: ExportFormat['lowBitWeights'];
  /** Precision of the layers left in float. */
  float: ExportFormat['float'];
  config: QuantConfig;
  layers: ExportedLayer[];
  /** Node counts by op type in the exported graph. */
  opCounts: Record<string, number>;
  /** Storage formats used: 'int4', 'int8', 'uint8', 'uint16', 'int32', 'float16', 'float32'. */
  storage: string[];
  notes: string[];
}

/** The manifest notes that state what the format options change in the file and in its numbers. */
export function describeFormat(format: ExportFormat, layers: ExportedLayer[]): string[] {
  const notes: string[] = [];
  if (format.opset !== format.sourceOpset) notes.push(`The model was upgraded from opset ${format.sourceOpset} to ${format.opset} (Reduce* axes as inputs, Split num_outputs; other ops unchanged). The simulation evaluates the upgraded graph.`);
  if (layers.some((l) => l.weightStorage === 'int4')) {
    notes.push(
      'MatMul/Gemm weights of 4 bits or fewer are INT4 (two per byte) behind a per-channel DequantizeLinear-21. onnxruntime does not fuse DequantizeLinear(INT4) into its integer MatMul kernels: it dequantizes the weight and multiplies in float32 on the dequantized activations. The simulation evaluates this same graph, so its numbers are those of the file.',
    );
  }
  const int8FourBit = layers.filter((l) => (l.op === 'MatMul' || l.op === 'Gemm') && l.weightStorage === 'int8' && (l.weightBits ?? 99) <= 4);
  if (int8FourBit.length) {
    notes.push(
      format.opset < INT4_OPSET
        ? `MatMul/Gemm weights of 4 bits or fewer are stored as INT8 with only their 16 levels used: INT4 DequantizeLinear needs opset ${INT4_OPSET} (this export has opset ${format.opset}; export with --opset ${INT4_OPSET} for INT4).`
        : 'MatMul/Gemm weights of 4 bits or fewer are stored as INT8 with only their 16 levels used (--w4-storage int8).',
    );
  }
  if (layers.some((l) => l.format === 'fp16' || l.format === 'fp16-weights/int-activations')) {
    notes.push(
      'Layers left in float are FP16: weight and bias stored as FLOAT16 and cast to float32, each activation input rounded to fp16 (Cast to FLOAT16 and back), the product computed in float32 and its output left in float32. Other float ops (norms, softmax, elementwise) stay float32. This runs on onnxruntime CPU (which has no fp16 Conv/MatMul kernels) and the simulation computes exactly this.',
    );
  }
  return notes;
}
