import { describe, expect } from 'vitest';
import rngWgsl from '../../shaders/rng.wgsl?raw';
import philoxTestWgsl from '../../shaders/philox_test.wgsl?raw';
import { readBuffer, storageBuffer } from '../../src/gpu/device';
import { Program } from '../../src/gpu/program';
import { gumbel, openUnit, philox4x32, unit24 } from '../../src/engine/rng';
import { gpuTest } from './gpu-fixture';

describe('Philox4x32-10 (shaders/rng.wgsl vs src/engine/rng.ts)', () => {
  gpuTest('bit-identical words on random counters and keys; uniforms exact; Gumbel within 8 ulp', async ({ gpu }) => {
    const { device } = gpu;
    const n = 4096;
    const counters = new Uint32Array(4 * n);
    const keys = new Uint32Array(2 * n);
    // Random counters from the CPU generator itself, plus edge cases.
    for (let i = 0; i < n; i++) {
      const w = philox4x32(12345, 678, i, 0, 0, 0);
      counters.set(i < 4 ? [0, 0xffffffff, i, 0xffffffff * (i & 1)] : w, 4 * i);
      keys.set([philox4x32(9, 9, i, 1, 2, 3)[0], i < 2 ? 0 : philox4x32(9, 9, i, 1, 2, 3)[1]], 2 * i);
    }
    const kernel = new Program('philox_test', {
      sources: [rngWgsl, philoxTestWgsl],
      bindings: [
        { name: 'input', access: 'read', type: 'array<vec4<u32>>' }, // (c0, c1, c2, c3)
        { name: 'keys', access: 'read', type: 'array<vec2<u32>>' },
        { name: 'output', access: 'read_write', type: 'array<vec4<u32>>' },
        { name: 'floats', access: 'read_write', type: 'array<vec4<f32>>' }, // unit24, open_unit, gumbel, 0
      ],
      constants: { WG: 64 },
    });
    const bIn = storageBuffer(device, counters);
    const bKeys = storageBuffer(device, keys);
    const bOut = storageBuffer(device, 16 * n);
    const bFloat = storageBuffer(device, 16 * n);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(kernel.pipeline(device));
    pass.setBindGroup(0, kernel.bindGroup(device, { input: bIn, keys: bKeys, output: bOut, floats: bFloat }));
    pass.dispatchWorkgroups(n / 64);
    pass.end();
    device.queue.submit([enc.finish()]);
    const got = new Uint32Array(await readBuffer(device, bOut));
    const floats = new Float32Array(await readBuffer(device, bFloat));
    let wordMismatches = 0;
    let maxGumbelUlp = 0;
    for (let i = 0; i < n; i++) {
      const c = counters.subarray(4 * i, 4 * i + 4);
      const want = philox4x32(keys[2 * i], keys[2 * i + 1], c[0], c[1], c[2], c[3]);
      for (let j = 0; j < 4; j++) if (got[4 * i + j] !== want[j]) wordMismatches++;
      expect(floats[4 * i]).toBe(unit24(want[0]));
      expect(floats[4 * i + 1]).toBe(openUnit(want[1]));
      const g = gumbel(openUnit(want[2]));
      const ulp = Math.max(1, Math.abs(g)) * 2 ** -23; // absolute near g = 0
      maxGumbelUlp = Math.max(maxGumbelUlp, Math.abs(floats[4 * i + 2] - g) / ulp);
    }
    expect(wordMismatches).toBe(0);
    // Tolerance: f32 log vs double log rounded to f32, composed twice.
    expect(maxGumbelUlp).toBeLessThan(8);
    for (const b of [bIn, bKeys, bOut, bFloat]) b.destroy();
  });
});
