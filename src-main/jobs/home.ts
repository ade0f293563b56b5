/**
 * Where Bitbench keeps its database and artifacts: `--home DIR`, else `BITBENCH_HOME`, else the
 * per-user data folder. Tests always pass a temporary home so they never touch a user's data.
 */
import { mkdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

export interface HomeLayout {
  root: string;
  database: string;
  artifacts: string;
  reports: string;
}

/** Picks the home folder from the explicit option, the environment, or the OS convention. */
export function resolveHomeDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.BITBENCH_HOME) return resolve(env.BITBENCH_HOME);
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Bitbench');
  if (platform() === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Bitbench');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'bitbench');
}

/** Creates the home folder (owner-only) and returns the paths inside it. */
export function prepareHome(root: string): HomeLayout {
  const layout: HomeLayout = {
    root,
    database: join(root, 'bitbench.sqlite'),
    artifacts: join(root, 'artifacts'),
    reports: join(root, 'reports'),
  };
  for (const dir of [layout.root, layout.artifacts, layout.reports]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return layout;
}
