/**
 * One subscription to the API's pushed events for the whole UI; screens listen here and stop
 * listening when they are destroyed.
 */
import type { ApiClient, ApiEvent } from '@api/index';

export class EventFeed {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  connected = $state(false);

  constructor(api: ApiClient) {
    api.onEvent((event) => {
      this.connected = true;
      for (const listener of this.listeners) listener(event);
    });
  }

  /** Listens to events; returns the function that stops listening (use it as an $effect cleanup). */
  listen(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
