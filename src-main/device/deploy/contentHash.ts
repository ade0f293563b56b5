/** SHA-256 of local files, streamed, and remembered per (path, size, mtime) for this process. */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const cache = new Map<string, string>();

/** Hex SHA-256 of a file's content. */
export async function sha256File(path: string): Promise<string> {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  cache.set(key, digest);
  return digest;
}
