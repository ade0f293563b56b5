/**
 * An SSH device: probe, device state and Node-runner measurements over one reused connection. A run
 * works in its own remote folder (created, then removed whatever happens); cancelling kills the
 * remote runner by its pid file and removes the folder. Every argument is shell-quoted.
 */
import { posix } from 'node:path';
import { BitbenchError, type DeviceRecord, type DeviceState, type ProbeResult } from '../api/index.js';
import { provisionNodeRuntime, type NodeRuntime } from './deploy/provisionNodeRuntime.js';
import { RemoteWorkspace } from './deploy/remoteWorkspace.js';
import { checkFinishedUploads, finishUploadsCommand, transferArtifact, uploadArtifact, type UploadResult } from './deploy/uploadArtifact.js';
import type { MeasurableDevice, RunnerRun } from './measurableDevice.js';
import { buildProbeResult } from './probe/buildProbeResult.js';
import { parseDeviceState } from './probe/parseState.js';
import { PROBE_SCRIPT, STATE_SCRIPT, sectionMarker, sectionsWithPrefix, splitSections, stateScript } from './probe/probeScript.js';
import { NODE_RUNNER_PATH, PYTHON_RUNNER_PATH, nodeRunnerArgs, parseRunnerOutput, type RunnerRequest } from './runners/nodeRunner.js';
import type { SshConnectionPool } from './ssh/connectionPool.js';
import { shellCommand } from './ssh/shellQuote.js';
import type { SshSession } from './ssh/sshSession.js';
import { runTrtexec, type TrtexecRequest, type TrtexecRun } from './runners/trtexecRunner.js';

export class SshDevice implements MeasurableDevice {
  readonly kind = 'ssh' as const;
  readonly workspace: RemoteWorkspace;
  private runtime = new WeakMap<SshSession, NodeRuntime>();
  /** Run folders left behind by a dropped connection: their runner is killed and they are removed next time. */
  private orphans: string[] = [];

  constructor(
    readonly record: DeviceRecord,
    private readonly pool: SshConnectionPool,
  ) {
    this.workspace = new RemoteWorkspace(record.workDir);
  }

  get name(): string {
    return this.record.name;
  }

  /** The pooled connection (opened on first use). */
  session(trustFingerprint?: string): Promise<SshSession> {
    return this.pool.get(this.record, { trustFingerprint });
  }

  async probe(): Promise<ProbeResult> {
    const s = await this.session();
    const r = await s.exec(PROBE_SCRIPT, { what: 'the probe' });
    return buildProbeResult(splitSections(r.stdout), new Date().toISOString());
  }

  async readState(): Promise<DeviceState> {
    const s = await this.session();
    const r = await s.exec(STATE_SCRIPT, { what: 'reading the device state' });
    return parseDeviceState(splitSections(r.stdout), new Date().toISOString());
  }

  /** Uploads a local file by content hash (resumable); returns its remote path and the bytes sent. */
  async upload(localPath: string, what: string): Promise<UploadResult> {
    return uploadArtifact(await this.session(), this.workspace, localPath, what);
  }

  async runNodeRunner(modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun> {
    return this.runScriptRunner('node', modelPath, request, signal);
  }

  /** The python3 onnxruntime runner (needs python3 with onnxruntime and numpy on the device). */
  async runPythonRunner(modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun> {
    return this.runScriptRunner('python', modelPath, request, signal);
  }

  private async runScriptRunner(kind: 'node' | 'python', modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun> {
    const s = await this.session();
    await this.workspace.prepare(s);
    for (const dir of this.orphans.splice(0)) await s.exec(this.cleanupCommand(dir), { what: 'cleaning up an interrupted run' });
    let uploadedBytes = 0;
    let runtime = this.runtime.get(s);
    if (kind === 'node' && !runtime) {
      runtime = await provisionNodeRuntime(s, this.workspace);
      uploadedBytes += runtime.uploadedBytes;
      this.runtime.set(s, runtime);
    }
    const runner = await transferArtifact(s, this.workspace, kind === 'node' ? NODE_RUNNER_PATH : PYTHON_RUNNER_PATH, `the ${kind} runner`);
    const model = await transferArtifact(s, this.workspace, modelPath, 'the model');
    uploadedBytes += runner.uploadedBytes + model.uploadedBytes;

    const runDir = this.workspace.runDir(this.workspace.newRunId());
    const pidfile = posix.join(runDir, 'runner.pid');
    const script = posix.join(runDir, kind === 'node' ? 'runner.cjs' : 'runner.py');
    const args = nodeRunnerArgs(model.remotePath, request, { ort: runtime?.ortPackageDir, pidfile, profileDir: posix.join(runDir, 'profile') });
    const interpreter = kind === 'node' ? 'node' : 'python3';
    // One command for the whole run, because every command pays the remote shell's start-up:
    // finish uploads, state before, the runner (copied to a .cjs name so Node loads it as
    // CommonJS whatever surrounds it), state after, cleanup.
    const command = [
      finishUploadsCommand([runner, model]),
      stateScript('before.'),
      `echo ${sectionMarker('run')}`,
      `${shellCommand('mkdir', '-p', '--', runDir)} && ${shellCommand('cp', '--', runner.remotePath, script)} && ( cd -- ${shellCommand(runDir)} && ${shellCommand(interpreter, script, ...args)} ); code=$?`,
      stateScript('after.'),
      `echo ${sectionMarker('end')}; ${shellCommand('rm', '-rf', '--', runDir)}; exit $code`,
    ].join('\n');
    try {
      const r = await s.exec(command, { signal, what: 'the measurement' });
      checkFinishedUploads([runner, model], { ...r, code: /@@bitbench:corrupt/.test(r.stdout) ? 1 : 0 }, this.name);
      const sections = splitSections(r.stdout);
      const at = new Date().toISOString();
      return {
        output: parseRunnerOutput(sections.run ?? '', r.stderr, this.name),
        before: parseDeviceState(sectionsWithPrefix(sections, 'before.'), at),
        after: parseDeviceState(sectionsWithPrefix(sections, 'after.'), at),
        uploadedBytes,
      };
    } catch (error) {
      if (error instanceof BitbenchError && error.code === 'CANCELLED') {
        // The KILL channel signal is best effort (older sshd ignore it); the pid file is not.
        await s.exec(this.cleanupCommand(runDir), { what: 'cleaning up a cancelled run' }).catch(() => undefined);
      } else if (s.closed) this.orphans.push(runDir);
      throw error;
    }
  }

  /** Builds (once per model hash and precision) and times a TensorRT engine with trtexec. */
  async runTrtexec(probe: ProbeResult, modelPath: string, request: TrtexecRequest, signal?: AbortSignal): Promise<TrtexecRun> {
    return runTrtexec(await this.session(), this.workspace, probe, modelPath, request, signal);
  }

  async reset(): Promise<void> {
    await this.pool.drop(this.name);
  }

  /** Kills a run's runner (by its pid file) and removes its folder. */
  private cleanupCommand(runDir: string): string {
    return `kill -KILL "$(cat -- ${shellCommand(posix.join(runDir, 'runner.pid'))} 2>/dev/null)" 2>/dev/null; rm -rf -- ${shellCommand(runDir)}`;
  }
}
