/** A small typed hub for API events: jobs publish, transports (IPC, WebSocket) subscribe. */
import type { ApiEvent } from '../api/index.js';

export class EventHub {
  private readonly listeners = new Set<(event: ApiEvent) => void>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: ApiEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber (a closed socket) must not stop the others from hearing the event.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
