/**
 * Progress reporting with an ETA: each phase declares its total, steps report completion, and the
 * ETA extrapolates the pace of the steps finished so far in this phase.
 */
import type { SearchPhase, SearchProgress } from './types.js';

/** Tracks one phase at a time and forwards progress events to the caller's callback. */
export class ProgressTracker {
  private phase: SearchPhase = 'reference';
  private total = 0;
  private done = 0;
  private started = 0;

  constructor(
    private readonly emit: ((progress: SearchProgress) => void) | undefined,
    private readonly evaluations: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts a phase with `total` steps and emits a 0-of-total event. */
  begin(phase: SearchPhase, total: number, step = 'starting'): void {
    this.phase = phase;
    this.total = total;
    this.done = 0;
    this.started = this.now();
    this.send(step);
  }

  /** Marks one more step of the current phase finished. */
  step(label: string): void {
    this.done = Math.min(this.done + 1, Math.max(this.total, this.done + 1));
    this.send(label);
  }

  /** Changes the phase total when it becomes known (binary search, greedy front). */
  setTotal(total: number): void {
    this.total = Math.max(total, this.done);
  }

  private send(step: string): void {
    if (!this.emit) return;
    const elapsed = (this.now() - this.started) / 1000;
    const etaSeconds = this.done > 0 ? (elapsed / this.done) * Math.max(0, this.total - this.done) : null;
    this.emit({ phase: this.phase, step, done: this.done, total: this.total, etaSeconds, evaluations: this.evaluations() });
  }
}
