/**
 * WebGPU in Node through Dawn (the npm `webgpu` package): the same GPU decoder and WGSL
 * transformer the page runs, with no browser. `npm run bench -- --backend dawn` and the
 * benchmarks' `--backend dawn` call `useDawn()` before they import anything under src/gpu.
 *
 * Dawn needs a Vulkan loader (libvulkan.so.1) and a driver. A GPU machine has both; this
 * development machine has neither system-wide, but Debian's Chromium ships a loader and its
 * SwiftShader ICD, so `reexecForDawn()` restarts the process with them when no loader is found
 * (the dynamic linker reads LD_LIBRARY_PATH only at start-up).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire, register } from 'node:module';
import type { DecodeBackend } from '../engine/backend';
import { setGpuProvider } from '../gpu/device';

const CHROMIUM_LIB = '/usr/lib/chromium';
export const SWIFTSHADER_ENV = {
  VK_ICD_FILENAMES: `${CHROMIUM_LIB}/vk_swiftshader_icd.json`,
  LD_LIBRARY_PATH: CHROMIUM_LIB,
} as const;

function hasVulkanLoader(): boolean {
  for (const dir of (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, 'libvulkan.so.1'))) return true;
  }
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

/**
 * When no Vulkan loader is reachable but Chromium's SwiftShader is, runs this same command again
 * with SWIFTSHADER_ENV and exits with its status (so the caller never returns). Otherwise returns.
 */
export function reexecForDawn(): void {
  if (process.platform !== 'linux' || process.env.UNMASK_DAWN_REEXEC || hasVulkanLoader()) return;
  if (!existsSync(SWIFTSHADER_ENV.VK_ICD_FILENAMES)) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...SWIFTSHADER_ENV, UNMASK_DAWN_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

let ready: Promise<string> | null = null;

/**
 * Makes Dawn the WebGPU of this process: the GPU* globals (GPUBufferUsage, …) the kernels use,
 * the `?raw` shader imports, and src/gpu/device.ts's provider. Resolves to the adapter's
 * description; rejects with a message naming what is missing.
 */
export function useDawn(): Promise<string> {
  return (ready ??= (async () => {
    // Bundled builds (bench/gpu-machine) inline the shaders and set this to skip the hooks.
    if (!(globalThis as { __unmaskShadersInlined?: boolean }).__unmaskShadersInlined) {
      register(new URL('./dawn-raw-hooks.mjs', import.meta.url));
    }
    let mod: typeof import('webgpu');
    try {
      // The GPU-machine folder (bench/gpu-machine.sh) carries dawn.node alone, not the package.
      const bare = process.env.UNMASK_DAWN_NODE;
      mod = bare ? createRequire(import.meta.url)(bare) : await import('webgpu');
    } catch (e) {
      throw new Error(`Dawn for Node (the "webgpu" package) could not load: ${(e as Error).message}`, { cause: e });
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    setGpuProvider(gpu);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      throw new Error(
        'Dawn found no GPU adapter: no Vulkan driver reachable. On a GPU machine install its Vulkan loader and driver; ' +
          `here set VK_ICD_FILENAMES=${SWIFTSHADER_ENV.VK_ICD_FILENAMES} LD_LIBRARY_PATH=${SWIFTSHADER_ENV.LD_LIBRARY_PATH} (SwiftShader).`,
      );
    }
    const info = adapter.info;
    return ['dawn', info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  })());
}

export interface DawnBackend extends DecodeBackend {
  adapter: string;
  dispose(): Promise<void>;
}

/**
 * `--backend dawn`: oracle requests on the WebGPU decoder (src/gpu/backend.ts), model requests
 * on our WGSL transformer inside the GPU unmasking core (src/model/gpu-backend.ts, one per
 * model), all on Dawn. Same traces as the CPU engine and as WebGPU in Chromium.
 */
export async function createDawnBackend(): Promise<DawnBackend> {
  const adapter = await useDawn();
  const { createWebgpuBackend } = await import('../gpu/backend');
  const { createModelBackend } = await import('../model/backend');
  const { createWebgpuModelBackend } = await import('../model/gpu-backend');
  const oracle = createWebgpuBackend();
  const handles = createModelBackend('dawn');
  const models = new Map<string, Promise<import('../model/gpu-backend').WebgpuModelBackend>>();
  return {
    name: 'dawn',
    adapter,
    async decode(r) {
      if (r.denoiser.kind !== 'model') return oracle.decode(r);
      const spec = r.denoiser;
      const key = `${spec.model}|${spec.vocab ?? ''}`;
      let m = models.get(key);
      if (!m) {
        m = handles.handle(spec).then((h) => createWebgpuModelBackend(h));
        m.catch(() => models.delete(key));
        models.set(key, m);
      }
      return (await m).decode(r);
    },
    async dispose() {
      for (const m of models.values()) await (await m.catch(() => null))?.dispose();
      await handles.dispose();
      await oracle.dispose();
    },
  };
}
