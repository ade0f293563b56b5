/**
 * A small LRU of onnxruntime sessions keyed by configuration. Creating a session costs a few ms to
 * a few hundred ms, so a search that returns to a configuration should not pay twice. Sessions are
 * lent out and returned: one still running when it falls out of the cache is released only when
 * its last user returns it, and concurrent requests for the same key share one creation.
 */
import type * as ort from 'onnxruntime-node';

export class SessionCache {
  private readonly entries = new Map<string, Promise<ort.InferenceSession>>();
  private readonly users = new Map<ort.InferenceSession, number>();
  private readonly retired = new Set<ort.InferenceSession>();

  constructor(private readonly capacity: number) {}

  /** Lends the session for `key`, creating it with `create` on a miss. Return it with `giveBack`. */
  async borrow(key: string, create: () => Promise<ort.InferenceSession>): Promise<ort.InferenceSession> {
    let pending = this.entries.get(key);
    if (pending) {
      this.entries.delete(key);
    } else {
      pending = create();
      pending.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, pending); // most recently used last
    const session = await pending;
    this.users.set(session, (this.users.get(session) ?? 0) + 1);
    await this.evict();
    return session;
  }

  /** Returns a borrowed session. */
  async giveBack(session: ort.InferenceSession): Promise<void> {
    const n = (this.users.get(session) ?? 1) - 1;
    if (n > 0) {
      this.users.set(session, n);
      return;
    }
    this.users.delete(session);
    if (this.retired.delete(session)) await session.release();
  }

  /** Drops every session (released now, or when its last user gives it back). */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const p of all) await this.retire(await p.catch(() => null));
  }

  private async evict(): Promise<void> {
    while (this.entries.size > this.capacity) {
      const [key, oldest] = this.entries.entries().next().value!;
      this.entries.delete(key);
      await this.retire(await oldest.catch(() => null));
    }
  }

  private async retire(session: ort.InferenceSession | null): Promise<void> {
    if (!session) return;
    if (this.users.has(session)) this.retired.add(session);
    else await session.release();
  }
}
