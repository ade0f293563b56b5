/**
 * Hash routing: `#/runs/12?x=1`. Hash changes never navigate the window (the desktop shell blocks
 * navigation), and reloads keep the screen.
 */
export class Router {
  path = $state('/');
  query = $state.raw(new URLSearchParams());

  constructor() {
    this.read();
    window.addEventListener('hashchange', () => this.read());
  }

  private read(): void {
    const hash = window.location.hash.replace(/^#/, '') || '/';
    const [path, query = ''] = hash.split('?');
    this.path = path || '/';
    this.query = new URLSearchParams(query);
  }

  go(path: string): void {
    window.location.hash = path;
  }

  /** The parameter after a route prefix: `param('/runs/')` on `/runs/12` is "12". */
  param(prefix: string): string | null {
    return this.path.startsWith(prefix) ? decodeURIComponent(this.path.slice(prefix.length)) : null;
  }
}
