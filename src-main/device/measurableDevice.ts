/** What the measurement protocol needs from any device, local or SSH. */
import type { DeviceState, ProbeResult } from '../api/index.js';
import type { RunnerOutput, RunnerRequest } from './runners/nodeRunner.js';

/** One runner invocation with the device state read right before and right after it. */
export interface RunnerRun {
  output: RunnerOutput;
  before: DeviceState;
  after: DeviceState;
  /** Bytes sent to the device for this run (model, runner, runtime); 0 when all were cached. */
  uploadedBytes: number;
}

export interface MeasurableDevice {
  readonly name: string;
  readonly kind: 'local' | 'ssh';
  probe(): Promise<ProbeResult>;
  readState(): Promise<DeviceState>;
  /** Runs the Node runner on `modelPath` (a local file), uploading whatever the device lacks. */
  runNodeRunner(modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun>;
  /** Forgets a broken connection so the next call reconnects (no-op locally). */
  reset(): Promise<void>;
}
