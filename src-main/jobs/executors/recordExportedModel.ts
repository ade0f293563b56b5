/** Records an exported deployable model in the history, by the SHA-256 of its bytes. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { QuantConfig } from '../../api/index.js';
import type { JobContext } from '../jobTypes.js';

/** Hashes the file at `path` and stores it as an artifact of the run's model and `config`. */
export function recordExportedModel(context: JobContext, config: QuantConfig, path: string, flags?: unknown): string {
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  context.recordArtifact({ sha256, kind: 'qdq-onnx', path, sizeBytes: bytes.length, config, runtime: 'onnxruntime', flags });
  return sha256;
}
