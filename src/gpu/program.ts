import type { GpuBinding, WgslScalar } from '../engine/strategies/types';
import { cachedPipeline } from './device';

/**
 * Typed compute programs (after onnxruntime-web's WebGPU programs and webgpu-utils' uniform
 * layouts): a program lists its bindings once, by name, and from that list come both the WGSL
 * `@group(0) @binding(i)` declarations (prepended to its source) and, from a record of named
 * buffers, its bind group. Uniform structs are declared once in TypeScript; the WGSL `struct`
 * and the packed bytes both come from that declaration. Shared snippets state what they read
 * (`// @needs a b c`) and the assembler checks that the program declares it.
 */

export type { GpuBinding, WgslScalar };

/** A uniform struct of 32-bit scalars: its WGSL declaration and its packing, from one list. */
export class UniformStruct<F extends string = string> {
  constructor(
    readonly name: string,
    readonly fields: readonly (readonly [F, WgslScalar])[],
  ) {
    if (fields.length === 0) throw new Error(`uniform struct ${name} has no fields`);
  }

  /** Bytes of the packed struct, rounded up to 16 (a uniform binding's granularity). */
  get size(): number {
    return Math.max(16, Math.ceil((this.fields.length * 4) / 16) * 16);
  }

  wgsl(): string {
    return `struct ${this.name} {\n${this.fields.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n}\n`;
  }

  pack(values: Readonly<Record<F, number>>): ArrayBuffer {
    const buf = new ArrayBuffer(this.size);
    const dv = new DataView(buf);
    this.fields.forEach(([name, type], i) => {
      const v = values[name];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`uniform ${this.name}.${name} is missing`);
      if (type === 'f32') dv.setFloat32(i * 4, v, true);
      else if (type === 'i32') dv.setInt32(i * 4, v, true);
      else dv.setUint32(i * 4, v >>> 0, true);
    });
    return buf;
  }
}

/** A read-only storage binding (its buffer: `buffer`, or the binding's own name). */
export const read = (name: string, type = 'array<u32>', buffer?: string): GpuBinding => ({ name, access: 'read', type, buffer });
/** A read-write storage binding. */
export const write = (name: string, type = 'array<u32>', buffer?: string): GpuBinding => ({ name, access: 'read_write', type, buffer });

/** The WGSL declaration of a binding list, binding i = position i. */
export function bindingHeader(bindings: readonly GpuBinding[]): string {
  return bindings
    .map((b, i) => {
      const space = b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`;
      return `@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
    })
    .join('\n');
}

/** Names a WGSL source declares at top level (overrides, consts, vars, fns, structs, bindings). */
function declaredNames(code: string): Set<string> {
  const out = new Set<string>();
  const re = /(?:^|\n)\s*(?:@[^\n]*?\s)?(?:override|const|var(?:<[^>]*>)?|fn|struct|alias)\s+([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.add(m[1]);
  return out;
}

/** What a snippet says it reads: the names on its `// @needs` lines. */
export function snippetNeeds(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\/\/\s*@needs\s+([^\n]*)/g)) out.push(...m[1].split(/[\s,]+/).filter(Boolean));
  return out;
}

export interface ProgramOptions {
  /** Sources in order: shared preludes and snippets first, the kernel last. */
  sources: readonly string[];
  bindings: readonly GpuBinding[];
  /** Uniform structs whose WGSL declarations are generated here. */
  structs?: readonly UniformStruct[];
  constants?: Record<string, number>;
  entryPoint?: string;
}

/**
 * One compute program. Its cache key is its name plus its override constants, so the per-device
 * pipeline cache (device.ts) creates each variant once. The pipeline layout is explicit (from
 * the binding list), so a binding a variant does not use is still bound by name.
 */
export class Program {
  readonly key: string;
  readonly code: string;
  readonly bindings: readonly GpuBinding[];
  readonly constants: Record<string, number>;
  readonly entryPoint: string;

  constructor(
    readonly name: string,
    opts: ProgramOptions,
  ) {
    this.bindings = opts.bindings;
    this.constants = opts.constants ?? {};
    this.entryPoint = opts.entryPoint ?? 'main';
    const names = opts.bindings.map((b) => b.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`program ${name} binds "${dup}" twice`);
    this.code = [...(opts.structs ?? []).map((s) => s.wgsl()), bindingHeader(opts.bindings), ...opts.sources].join('\n');
    if (/@binding\s*\(/.test(opts.sources.join('\n'))) {
      throw new Error(`program ${name}: its sources declare bindings by hand; list them in its program definition instead`);
    }
    const declared = declaredNames(this.code);
    for (const src of opts.sources) {
      for (const need of snippetNeeds(src)) {
        if (!declared.has(need)) throw new Error(`program ${name}: a snippet needs "${need}", which the program does not declare`);
      }
    }
    this.key = `${name}|${Object.entries(this.constants)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`;
  }

  pipeline(device: GPUDevice): GPUComputePipeline {
    return cachedPipeline(device, this.key, () => {
      const layout = device.createBindGroupLayout({
        label: this.name,
        entries: this.bindings.map((b, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      const module = device.createShaderModule({ label: this.name, code: this.code });
      return device.createComputePipeline({
        label: this.key,
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: this.entryPoint, constants: this.constants },
      });
    });
  }

  /** The bind group from named buffers: binding `name` takes buffers[buffer ?? name]. */
  bindGroup(device: GPUDevice, buffers: Readonly<Record<string, GPUBuffer>>): GPUBindGroup {
    return device.createBindGroup({
      label: this.name,
      layout: this.pipeline(device).getBindGroupLayout(0),
      entries: this.bindings.map((b, binding) => {
        const buffer = buffers[b.buffer ?? b.name];
        if (!buffer) throw new Error(`program ${this.name}: no buffer "${b.buffer ?? b.name}" for binding ${b.name}`);
        return { binding, resource: { buffer } };
      }),
    });
  }
}
