/* global module */
/**
 * The layers of Unmask (docs/ARCHITECTURE.md), checked by `npm run lint`:
 *
 *   engine  pure TypeScript, imports nothing of ours
 *   gpu     WebGPU unmasking core: engine (+ shaders/)
 *   model   model runtimes, the WGSL transformer engine included: engine, gpu (+ shaders/)
 *   worker  the Web Worker: engine, gpu, model
 *   ui      the React page: engine, and the worker only through src/worker/protocol.ts
 *   cli, bench, models/train   on top: anything in src/ but the page
 *   test    anything
 *
 * src/worker/protocol.ts is the page's one door into the worker, so it may import engine and
 * only types from model (the page must not pull a runtime into its bundle).
 * Any cycle between modules fails too.
 */
const layer = (from, allowed, comment) => ({
  name: `layer-${from}`,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^(src|bench|test|models)/', pathNot: allowed },
});

module.exports = {
  forbidden: [
    layer('engine', ['^src/engine/'], 'src/engine is pure TypeScript: it imports nothing of ours outside src/engine.'),
    layer('gpu', ['^src/(engine|gpu)/'], 'src/gpu may import src/engine only (and shaders/).'),
    layer('model', ['^src/(engine|gpu|model)/'], 'src/model may import src/engine and src/gpu only (and shaders/).'),
    layer('worker', ['^src/(engine|gpu|model|worker)/'], 'src/worker may import src/engine, src/gpu and src/model only.'),
    layer('ui', ['^src/(engine|ui)/', '^src/worker/protocol\\.ts$'], 'src/ui may import src/engine, and the worker only through src/worker/protocol.ts (no gpu, model or cli).'),
    layer('cli', ['^src/(engine|gpu|model|worker|cli)/'], 'src/cli sits on top of engine, gpu and model; it never imports the page (src/ui).'),
    {
      name: 'main-is-ui',
      comment: 'src/main.tsx is the page entry: same rule as src/ui.',
      severity: 'error',
      from: { path: '^src/main\\.tsx$' },
      to: { path: '^(src|bench|test|models)/', pathNot: ['^src/(engine|ui)/'] },
    },
    {
      name: 'protocol-types-only',
      comment: 'src/worker/protocol.ts is shared with the page: besides src/engine it may import only types (import type) from src/model, and nothing else of the worker.',
      severity: 'error',
      from: { path: '^src/worker/protocol\\.ts$' },
      to: { path: '^(src|bench|test|models)/', pathNot: ['^src/engine/', '^src/model/'] },
    },
    {
      name: 'protocol-model-types-only',
      comment: 'src/worker/protocol.ts may import from src/model only with `import type`.',
      severity: 'error',
      from: { path: '^src/worker/protocol\\.ts$' },
      to: { path: '^src/model/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bench-not-from-src',
      comment: 'bench/, test/ and models/train are on top: nothing under src/ imports them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(bench|test|models)/' },
    },
    {
      name: 'bench-not-test',
      comment: 'Benchmarks and training scripts do not import tests.',
      severity: 'error',
      from: { path: '^(bench|models)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle between modules: break it by moving the shared part down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve to a file (a stale path after a move).',
      severity: 'error',
      from: {},
      // Vite asset URLs of packages (`pkg/file.wasm?url`) resolve through Vite, not here.
      to: { couldNotResolve: true, pathNot: ['^node:', '^[^./][^?]*\\?url$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Type-only imports count: a layer must not lean on another's types either (except protocol
    // -> model, allowed above).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    // Re-cruises only what changed since the last run (keyed on file contents).
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
