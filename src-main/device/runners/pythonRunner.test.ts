import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/index.js';
import { parseRunnerOutput } from './nodeRunner.js';

const RUNNER = fileURLToPath(new URL('../../../resources/runners/ort_runner.py', import.meta.url));
const hasOrt = spawnSync('python3', ['-c', 'import onnxruntime, numpy']).status === 0;

describe('python3 onnxruntime runner', () => {
  it('compiles, and reports a missing onnxruntime as one JSON line the studio turns into DEVICE_ERROR', () => {
    // Parse only (py_compile would leave a __pycache__ beside the runner).
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', RUNNER]);
    const r = spawnSync('python3', [RUNNER, '--model', '/nonexistent.onnx', '--runs', '3'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    const line = JSON.parse(r.stdout.trim());
    expect(line.ok).toBe(false);
    // Without onnxruntime (this machine) the import fails; with it, the missing model does.
    expect(line.error).toMatch(hasOrt ? /nonexistent/ : /onnxruntime|numpy/);
    expect(() => parseRunnerOutput(r.stdout, r.stderr, 'pi')).toThrow(BitbenchError);
  });
});
