/**
 * What every CLI command gets: parsed global options, an output sink that writes either human text
 * or JSON, and a lazily created backend for the chosen home folder.
 */
import { createBackend, type Backend } from '../jobs/backend.js';
import { resolveHomeDir } from '../jobs/home.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

export class CliContext {
  private backend: Backend | undefined;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  get json(): boolean {
    return this.globals().json === true;
  }

  get homeDir(): string {
    return resolveHomeDir(this.globals().home);
  }

  /** The backend for this invocation, created on first use. */
  getBackend(): Backend {
    this.backend ??= createBackend({ home: this.homeDir, mode: 'cli' });
    return this.backend;
  }

  /** Prints a result: the JSON value with --json, otherwise the human text. */
  print(value: unknown, human: string | (() => string)): void {
    if (this.json) this.io.stdout(JSON.stringify(value, null, 2) + '\n');
    else this.io.stdout((typeof human === 'function' ? human() : human) + '\n');
  }

  async close(): Promise<void> {
    await this.backend?.close();
  }
}
