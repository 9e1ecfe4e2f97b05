/**
 * Node module hooks (module.register) that give `import text from './x.wgsl?raw'` the meaning
 * Vite gives it: the file's text as the default export. With them the CLI's Dawn backend
 * (src/cli/dawn.ts) runs the very WGSL files the page runs, with no copy of any shader.
 */
import { readFile } from 'node:fs/promises';
import { URL } from 'node:url';

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
  return next(url, context);
}
