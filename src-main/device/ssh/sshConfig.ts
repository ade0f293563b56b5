/**
 * `~/.ssh/config` host aliases: a device's host may be an alias whose HostName, Port, User and
 * IdentityFile come from the user's ssh config. Values given explicitly to Bitbench win.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';

export interface ResolvedTarget {
  hostname: string;
  port: number;
  user: string | undefined;
  identityFiles: string[];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Resolves `host` through the ssh config text; explicit port/user/key override the config. */
export function resolveSshTarget(
  explicit: { host: string; port?: number; user?: string; keyFile?: string },
  configText: string,
): ResolvedTarget {
  const computed = configText.trim() ? SSHConfig.parse(configText).compute(explicit.host) : {};
  const identity = computed.IdentityFile;
  const identityFiles = explicit.keyFile ? [explicit.keyFile] : (Array.isArray(identity) ? identity : identity ? [identity] : []).map(expandHome);
  return {
    hostname: first(computed.HostName) ?? explicit.host,
    port: explicit.port ?? (Number(first(computed.Port)) || 22),
    user: explicit.user ?? first(computed.User),
    identityFiles,
  };
}

/** Reads the user's ssh config, or '' when there is none. */
export function readUserSshConfig(path = join(homedir(), '.ssh', 'config')): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
