/**
 * known_hosts in OpenSSH's format: reading plain and hashed (`|1|salt|hmac`) host patterns,
 * matching a host key offered by a server, computing SHA256 fingerprints as `ssh-keygen -l` prints
 * them, and appending a trusted key. Pure functions over text plus one append helper.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  /** Host patterns as written (comma-separated list, or one hashed `|1|...` token). */
  hosts: string;
  keyType: string;
  /** Base64 of the public key blob. */
  keyBase64: string;
  marker: '@revoked' | '@cert-authority' | null;
  source: string;
  line: number;
}

/** The verdict for a key offered by a server. */
export type HostKeyVerdict =
  | { status: 'trusted'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'unknown'; knownTypes: string[] };

/** SHA256 fingerprint of a public key blob in OpenSSH's notation (`SHA256:` + unpadded base64). */
export function fingerprintSha256(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public key blob (a length-prefixed string at its start). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/** How OpenSSH names a host in known_hosts: bare on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    if (fields.length < 3) return;
    entries.push({ hosts: fields[0], keyType: fields[1], keyBase64: fields[2], marker, source, line: index + 1 });
  });
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Whether an entry's host field names `name` (already in `[host]:port` form where needed). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) matched = true;
  }
  return matched;
}

/**
 * Judges a server's key against the entries: a revoked key is refused, a matching key is trusted,
 * a different key of the same type for this host is a changed key, anything else is unknown.
 * Keys of other types for the host do not count as a change: servers hold several key types, and
 * the client asks for the known type first (see `knownTypes`).
 */
export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const keyType = keyTypeOfBlob(keyBlob);
  const keyBase64 = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const match = forHost.find((e) => e.marker === null && e.keyBase64 === keyBase64);
  if (match) return { status: 'trusted', entry: match };
  const changed = forHost.find((e) => e.marker === null && e.keyType === keyType);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', knownTypes: [...new Set(forHost.filter((e) => e.marker === null).map((e) => e.keyType))] };
}

/** Reads and parses several known_hosts files; missing ones count as empty. */
export function loadKnownHosts(paths: string[]): KnownHostEntry[] {
  return paths.flatMap((p) => (existsSync(p) ? parseKnownHosts(readFileSync(p, 'utf8'), p) : []));
}

/** Appends a trusted key for `host:port` to a known_hosts file (created owner-only if missing). */
export function appendKnownHost(path: string, host: string, port: number, keyBlob: Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const line = `${knownHostName(host, port)} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}\n`;
  appendFileSync(path, line, { mode: 0o600 });
}
