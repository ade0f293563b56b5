/**
 * One queue per device: work on the same device runs one job at a time (two timed runs on one board
 * would disturb each other), while different devices work at the same time.
 */
export class DeviceQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly depth = new Map<string, number>();

  /** Runs `job` after every job queued before it on `device`; its result or error is passed through. */
  run<T>(device: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(device) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(job);
    const tail = next.catch(() => undefined);
    this.tails.set(device, tail);
    this.depth.set(device, (this.depth.get(device) ?? 0) + 1);
    void tail.then(() => {
      const left = (this.depth.get(device) ?? 1) - 1;
      this.depth.set(device, left);
      if (left === 0 && this.tails.get(device) === tail) this.tails.delete(device);
    });
    return next;
  }

  /** Jobs queued or running on a device. */
  pending(device: string): number {
    return this.depth.get(device) ?? 0;
  }
}
