/**
 * The TensorRT runner: trtexec on the device. The engine is built once per (model hash, precision,
 * TensorRT version) and kept under `<workDir>/engines`; each measurement times the saved engine in
 * a run folder with trtexec's own warm-up and iterations, reads back the `--exportTimes` and
 * `--exportProfile` JSON, and removes the folder, all in one remote command. A build that TensorRT
 * refuses for the precision (QDQ INT8 on a GPU without INT8) becomes UNSUPPORTED_PRECISION.
 */
import { posix } from 'node:path';
import { BitbenchError, type ProbeResult } from '../../api/index.js';
import { checkFinishedUploads, finishUploadsCommand, transferArtifact } from '../deploy/uploadArtifact.js';
import type { RemoteWorkspace } from '../deploy/remoteWorkspace.js';
import { requirePrecision } from '../probe/capabilities.js';
import { parseDeviceState } from '../probe/parseState.js';
import { sectionMarker, sectionsWithPrefix, splitSections, stateScript } from '../probe/probeScript.js';
import { shellCommand } from '../ssh/shellQuote.js';
import type { SshSession } from '../ssh/sshSession.js';
import { parseTrtexecProfile, parseTrtexecTimes, trtProfileToLayerTimes } from '../trtexec/parseTrtexecJson.js';
import { assertTrtexecPassed, parseTrtexecSummary, type TrtexecSummary } from '../trtexec/parseTrtexecSummary.js';
import { trtexecBuildCommand, trtexecTimeCommand, type TrtPrecision } from '../trtexec/trtexecCommand.js';
import type { RunnerRun } from '../measurableDevice.js';

export interface TrtexecRequest {
  precision: TrtPrecision;
  iterations: number;
  warmupMs: number;
  /** ONNX layer names, to map TensorRT's fused layer names back (per-layer times). */
  layers?: string[];
}

export interface TrtexecRun extends RunnerRun {
  summary: TrtexecSummary;
  engineBuilt: boolean;
  /** Time TensorRT's profile attributes to no quantizable layer (reformatting, pooling ...). */
  baseMs: number | null;
}

function parseJson(text: string | undefined, what: string, device: string): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new BitbenchError('DEVICE_ERROR', `trtexec on ${device} wrote no readable ${what} JSON.`);
  }
}

/** Builds (once) and times a TensorRT engine for a local ONNX model on an SSH device. */
export async function runTrtexec(session: SshSession, workspace: RemoteWorkspace, probe: ProbeResult, modelPath: string, request: TrtexecRequest, signal?: AbortSignal): Promise<TrtexecRun> {
  const device = session.target.device;
  requirePrecision(probe, device, 'tensorrt', request.precision);
  const trt = probe.runtimes.find((r) => r.name === 'tensorrt');
  if (!trt?.path) throw new BitbenchError('UNSUPPORTED_PRECISION', `${device} has no trtexec.`, 'Install TensorRT (JetPack ships it in /usr/src/tensorrt/bin).');
  await workspace.prepare(session);
  const model = await transferArtifact(session, workspace, modelPath, 'the model');
  const engineDir = workspace.engineDir();
  const engine = posix.join(engineDir, `${model.sha256}-${request.precision}-trt${trt.version ?? 'unknown'}.plan`);
  const runDir = workspace.runDir(workspace.newRunId());
  const times = posix.join(runDir, 'times.json');
  const profile = posix.join(runDir, 'profile.json');
  const command = [
    finishUploadsCommand([model]),
    `${shellCommand('mkdir', '-p', '--', engineDir, runDir)}`,
    `echo ${sectionMarker('build')}`,
    `if [ -f ${shellCommand(engine)} ]; then echo cached; else ${trtexecBuildCommand(trt.path, model.remotePath, engine, request.precision)} || { echo "&&&& FAILED build"; }; fi`,
    stateScript('before.'),
    `echo ${sectionMarker('time')}`,
    `[ -f ${shellCommand(engine)} ] && ( cd -- ${shellCommand(runDir)} && ${trtexecTimeCommand(trt.path, engine, { warmupMs: request.warmupMs, iterations: request.iterations, timesJson: times, profileJson: profile })} )`,
    stateScript('after.'),
    `echo ${sectionMarker('times')}; cat -- ${shellCommand(times)} 2>/dev/null`,
    `echo ${sectionMarker('profile')}; cat -- ${shellCommand(profile)} 2>/dev/null`,
    `echo ${sectionMarker('end')}; ${shellCommand('rm', '-rf', '--', runDir)}`,
  ].join('\n');
  const r = await session.exec(command, { signal, what: 'the TensorRT measurement' });
  checkFinishedUploads([model], { ...r, code: /@@bitbench:corrupt/.test(r.stdout) ? 1 : 0 }, device);
  const s = splitSections(r.stdout);
  const build = s.build ?? '';
  const engineBuilt = build.trim() !== 'cached';
  if (engineBuilt) assertTrtexecPassed(parseTrtexecSummary(build), device);
  const summary = parseTrtexecSummary(s.time ?? '');
  assertTrtexecPassed(summary, device);
  const parsedTimes = parseTrtexecTimes(parseJson(s.times, 'times', device));
  const parsedProfile = parseTrtexecProfile(parseJson(s.profile, 'profile', device));
  const mapped = request.layers ? trtProfileToLayerTimes(parsedProfile.layers, request.layers) : null;
  const at = new Date().toISOString();
  const samplesMs = parsedTimes.latencyMs;
  if (samplesMs.length === 0) throw new BitbenchError('DEVICE_ERROR', `trtexec on ${device} exported no timings.`);
  return {
    output: {
      ok: true,
      runtime: `tensorrt ${summary.tensorrt ?? trt.version ?? ''}`.trim(),
      ortVersion: null,
      samplesMs,
      runnerMs: samplesMs.reduce((a, b) => a + b, 0),
      warmup: 0,
      nodeMs: mapped?.nodeMs ?? Object.fromEntries(parsedProfile.layers.map((l) => [l.name, l.medianMs ?? l.averageMs])),
    },
    before: parseDeviceState(sectionsWithPrefix(s, 'before.'), at),
    after: parseDeviceState(sectionsWithPrefix(s, 'after.'), at),
    uploadedBytes: model.uploadedBytes,
    summary,
    engineBuilt,
    baseMs: mapped?.baseMs ?? null,
  };
}
