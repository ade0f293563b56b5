/**
 * "This computer": always present, the default. Probed with the same script and parsers as SSH
 * devices (run by the local /bin/sh), measured by the Node runner in a child process so the studio's
 * main thread never blocks on a timed run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { BitbenchError, LOCAL_DEVICE_NAME, type DeviceState, type ProbeResult } from '../api/index.js';
import { localPackageDir } from './deploy/provisionNodeRuntime.js';
import type { MeasurableDevice, RunnerRun } from './measurableDevice.js';
import { buildProbeResult } from './probe/buildProbeResult.js';
import { parseDeviceState } from './probe/parseState.js';
import { PROBE_SCRIPT, STATE_SCRIPT, splitSections } from './probe/probeScript.js';
import { NODE_RUNNER_PATH, nodeRunnerArgs, parseRunnerOutput, type RunnerRequest } from './runners/nodeRunner.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

function run(command: string, args: string[], signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(err.name === 'AbortError' ? new BitbenchError('CANCELLED', 'The measurement was cancelled.') : err));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export class LocalDevice implements MeasurableDevice {
  readonly name = LOCAL_DEVICE_NAME;
  readonly kind = 'local' as const;

  private async sections(script: string): Promise<Record<string, string>> {
    if (process.platform === 'win32') return {};
    return splitSections((await run('/bin/sh', ['-c', script])).stdout);
  }

  async probe(): Promise<ProbeResult> {
    const s = await this.sections(PROBE_SCRIPT);
    // The studio's own Node and onnxruntime-node are what measure here, whatever is on PATH.
    s.node = `${process.execPath}\n${process.version}`;
    s.nodeort = require('onnxruntime-node/package.json').version as string;
    if (!s.uname) {
      s.uname = `${process.platform} ${hostname()} ? ? ${process.arch}`;
      s.arch = process.arch === 'x64' ? 'x86_64' : process.arch;
      s.hostname = hostname();
      s.cpuinfo = `processor : 0\nmodel name : ${cpus()[0]?.model ?? 'unknown'}\n`;
      s.nproc = String(cpus().length);
      s.meminfo = `MemTotal: ${Math.round(totalmem() / 1024)} kB`;
    }
    return buildProbeResult(s, new Date().toISOString());
  }

  async readState(): Promise<DeviceState> {
    const s = await this.sections(STATE_SCRIPT);
    if (!s.loadavg) s.loadavg = loadavg().join(' ');
    return parseDeviceState(s, new Date().toISOString());
  }

  async runNodeRunner(modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun> {
    const profileDir = request.profile ? mkdtempSync(join(tmpdir(), 'bitbench-prof-')) : undefined;
    try {
      const args = nodeRunnerArgs(modelPath, request, { ort: localPackageDir('onnxruntime-node'), profileDir });
      const before = await this.readState();
      const r = await run(process.execPath, [NODE_RUNNER_PATH, ...args], signal);
      const output = parseRunnerOutput(r.stdout, r.stderr, this.name);
      return { output, before, after: await this.readState(), uploadedBytes: 0 };
    } finally {
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    }
  }

  async reset(): Promise<void> {}
}
