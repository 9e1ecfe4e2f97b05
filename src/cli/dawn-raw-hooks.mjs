/**
 * Node module hooks (module.register) that give `import text from './x.wgsl?raw'` the meaning
 * Vite gives it: the file's text as the default export; and the one form of Vite's
 * `import.meta.glob` we use (`'dir/*.ext'`, eager, raw text: src/gpu/kernels.ts finds every
 * strategy's WGSL file that way). With them the CLI's Dawn backend (src/cli/dawn.ts) runs the
 * very WGSL files the page runs, with no copy of any shader.
 */
import { readFile, readdir } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { TextDecoder } from 'node:util';

const GLOB = /import\.meta\.glob(?:<[^>(]*>)?\(\s*(['"])([^'"*]*\/)\*(\.[\w]+)\1\s*,\s*\{[^}]*eager:\s*true[^}]*\}\s*\)/g;

/** `import.meta.glob('dir/*.ext', { query: '?raw', import: 'default', eager: true })` as an object literal of the files' texts (bench/gpu-machine-prepare.ts bundles with it too). */
export async function expandGlobs(source, url) {
  const out = [];
  let last = 0;
  for (const m of source.matchAll(GLOB)) {
    const [, , dir, ext] = m;
    const folder = new URL(dir, url);
    const names = (await readdir(fileURLToPath(folder))).filter((n) => n.endsWith(ext)).sort();
    const entries = await Promise.all(names.map(async (n) => `${JSON.stringify(dir + n)}: ${JSON.stringify(await readFile(new URL(n, folder), 'utf8'))}`));
    out.push(source.slice(last, m.index), `({${entries.join(', ')}})`);
    last = m.index + m[0].length;
  }
  return out.length ? out.join('') + source.slice(last) : source;
}

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('?raw')) {
    const url = new URL(specifier, context.parentURL);
    return { url: url.href, shortCircuit: true, format: 'module' };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('?raw')) {
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  const result = await next(url, context);
  if (url.startsWith('file:') && result.source != null) {
    const source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
    if (source.includes('import.meta.glob')) return { ...result, source: await expandGlobs(source, url) };
  }
  return result;
}
