/**
 * The export manifest: which layer runs in which format in an exported QDQ model, the op counts a
 * test (or a user) can check against the file, and what a runtime must support. Plain data, written
 * as JSON beside the .onnx file.
 */
import type { QuantConfig } from '../../api/quant.js';
import type { LayerFormat } from '../simulate/plan.js';

export interface ExportedLayer {
  name: string;
  op: string;
  group: string;
  weightBits: number | null;
  activationBits: number | null;
  /** How the layer is stored and runs; bit-widths below the storage width keep only their levels. */
  format: LayerFormat;
}

export interface ExportManifest {
  model: string;
  modelSha256: string;
  file: string;
  opset: number;
  config: QuantConfig;
  layers: ExportedLayer[];
  /** Node counts by op type in the exported graph. */
  opCounts: Record<string, number>;
  /** Storage formats used: 'int8', 'uint8', 'uint16', 'int32', 'float32'. */
  storage: string[];
  notes: string[];
}
