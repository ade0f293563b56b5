/**
 * The layer order of DESIGN.md section 2, enforced: a wrong-way import fails `npm test`.
 *   api <- engine <- device, store, report <- jobs <- app, cli, web
 * Paths match `src-main/<layer>/` anywhere in the path so that the planted-violation fixture in
 * test/fixtures/layers is judged by the same rules.
 */
const layer = (name) => `(^|/)src-main/${name}/`;
const layers = ['api', 'engine', 'device', 'store', 'report', 'jobs', 'app', 'cli', 'web'];
const allowed = {
  api: [],
  engine: ['api'],
  device: ['api', 'engine'],
  store: ['api', 'engine'],
  report: ['api', 'engine'],
  jobs: ['api', 'engine', 'device', 'store', 'report'],
  app: ['api', 'engine', 'device', 'store', 'report', 'jobs'],
  cli: ['api', 'engine', 'device', 'store', 'report', 'jobs', 'web'],
  web: ['api', 'engine', 'device', 'store', 'report', 'jobs'],
};

const layerRules = layers.map((name) => ({
  name: `layer-${name}`,
  comment: `src-main/${name} may import only: ${allowed[name].join(', ') || 'nothing from other layers'}`,
  severity: 'error',
  from: { path: layer(name) },
  to: {
    path: `(^|/)(src-main/(${layers.filter((l) => l !== name && !allowed[name].includes(l)).join('|')})/|src-renderer/)`,
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'electron-only-in-app',
      comment: 'Only the thin Electron shell (src-main/app) may import electron.',
      severity: 'error',
      from: { path: '(^|/)src-main/', pathNot: layer('app') },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'ssh2-only-in-device',
      severity: 'error',
      from: { path: '(^|/)src-main/', pathNot: layer('device') },
      to: { path: 'node_modules/(ssh2|ssh-config)/' },
    },
    {
      name: 'sqlite-only-in-store',
      severity: 'error',
      from: { path: '(^|/)src-main/', pathNot: layer('store') },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'renderer-sees-only-api',
      comment: 'The renderer imports types from src-main/api only, and never a Node module.',
      severity: 'error',
      from: { path: '(^|/)src-renderer/' },
      to: { path: '(^|/)src-main/(?!api/)|^node:|^(fs|path|os|child_process|net|crypto)$|node_modules/(onnxruntime-node|better-sqlite3|ssh2|electron|ws)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '(^|/)src-main/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^out/' },
    tsPreCompilationDeps: true,

    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.svelte', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
