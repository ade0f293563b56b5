/**
 * A run as the run screen sees it: the stored detail, live progress, points and measurements as
 * they arrive, the log, and once finished the report model. Polls as a safety net for missed events.
 */
import type { ApiClient, ApiEvent, ReportConfigRow, ReportModel, RunDetail } from '@api/index';
import { toShownError, type ShownError } from '../errors';

export interface LivePoint {
  label: string;
  kind: string;
  cost: number;
  accuracy: number | null;
}

export interface LiveMeasurement {
  label: string;
  device: string;
  medianMs: number;
  p90Ms: number;
  cv: number;
  unstable: boolean;
}

const ACTIVE = new Set(['queued', 'running']);

export class RunState {
  detail = $state.raw<RunDetail | null>(null);
  report = $state.raw<ReportModel | null>(null);
  progress = $state<{ phase: string; step?: string; done: number; total: number; etaSeconds: number | null } | null>(null);
  points = $state.raw<LivePoint[]>([]);
  measurements = $state.raw<LiveMeasurement[]>([]);
  log = $state.raw<{ at: string; level: string; message: string }[]>([]);
  error = $state<ShownError | null>(null);
  busy = $state(false);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    readonly runId: number,
  ) {}

  get active(): boolean {
    return this.detail !== null && ACTIVE.has(this.detail.status);
  }

  async refresh(): Promise<void> {
    try {
      const detail = await this.api.call('runs.get', { id: this.runId });
      if (this.disposed) return;
      this.detail = detail;
      if (detail.progress && !this.progress) this.progress = { ...detail.progress, etaSeconds: null };
      if (this.points.length === 0) this.points = storedPoints(detail);
      if (detail.status === 'done' && !this.report) this.report = await this.api.call('runs.report', { id: this.runId });
      if (ACTIVE.has(detail.status)) this.schedule();
    } catch (error) {
      this.error = toShownError(error);
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.disposed) this.timer = setTimeout(() => void this.refresh(), 2000);
  }

  /** Applies a pushed event if it belongs to this run. */
  onEvent(event: ApiEvent): void {
    const jobId = `run-${this.runId}`;
    if (event.type === 'progress' && event.jobId === jobId) {
      this.progress = { phase: event.phase, step: event.step, done: event.done, total: event.total, etaSeconds: event.etaSeconds };
    } else if (event.type === 'point' && event.runId === this.runId && event.cost > 0) {
      this.points = [...this.points.filter((p) => !(p.label === event.label && p.cost === event.cost)), { label: event.label, kind: event.kind, cost: event.cost, accuracy: event.accuracy }];
    } else if (event.type === 'measurement' && event.runId === this.runId) {
      this.measurements = [...this.measurements, { label: event.label, device: event.device, medianMs: event.medianMs, p90Ms: event.p90Ms, cv: event.cv, unstable: event.unstable }];
    } else if (event.type === 'log' && event.jobId === jobId) {
      this.log = [...this.log.slice(-199), { at: event.at, level: event.level, message: event.message }];
    } else if (event.type === 'run' && event.runId === this.runId) {
      void this.refresh();
    }
  }

  async control(action: 'jobs.cancel' | 'jobs.pause' | 'jobs.resume'): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await this.api.call(action, { runId: this.runId });
      await this.refresh();
    } catch (error) {
      this.error = toShownError(error);
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}

/** Points already stored for the run (after a reload or reopening it mid-run). */
function storedPoints(detail: RunDetail): LivePoint[] {
  return detail.evaluations
    .filter((e) => e.split === 'validation' && e.cost !== null && e.cost > 0)
    .map((e) => ({ label: e.configHash.slice(0, 8), kind: 'front', cost: e.cost as number, accuracy: e.accuracy }));
}

/** Live points as report rows, so the shared Pareto chart can draw them while the run goes on. */
export function livePointsAsRows(points: LivePoint[]): { front: ReportConfigRow[]; compared: ReportConfigRow[] } {
  const row = (p: LivePoint, kind: ReportConfigRow['kind']): ReportConfigRow => ({ label: p.label, kind, accuracy: p.accuracy, sqnrDb: null, cost: p.cost, bops: 0, sizeBytes: 0, latency: null, predictedLatencyMs: null, layerBits: {} });
  return {
    front: points.filter((p) => p.kind === 'front').map((p) => row(p, 'front')),
    compared: points.filter((p) => p.kind === 'baseline' || p.kind === 'fp32' || p.kind === 'chosen').map((p) => row(p, p.kind === 'chosen' ? 'mixed' : p.kind === 'fp32' ? 'fp32' : 'fixed')),
  };
}
