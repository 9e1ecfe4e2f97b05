#!/usr/bin/env bash
# The GPU benchmarks on a Linux x64 machine with an NVIDIA GPU and no Node, no registry and no
# browser. Prepare the folder on a machine with the repo (`npm run gpu-machine:prepare` builds
# .gpu-machine/), carry it over, then inside it:   bash gpu-machine.sh [--quick]
# Prints and writes (results/) the GPU-vs-CPU table and the WGSL-vs-ORT forward-pass table.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
mkdir -p .run results
# Unpacked beside, then renamed: an unpack cut short (a missing tool, a full disk) leaves no
# half-written file for the next run to take as done.
if [ ! -x .run/node/bin/node ]; then
  rm -rf .run/node .run/node.part
  mkdir -p .run/node.part
  tar -xzf node.tgz -C .run/node.part --strip-components=1
  mv .run/node.part .run/node
fi
if [ ! -s .run/dawn.node ]; then
  gunzip -c dawn.node.gz > .run/dawn.node.part
  mv .run/dawn.node.part .run/dawn.node
fi
NODE=.run/node/bin/node
[ -x "$NODE" ] || { echo "error: no node binary in node.tgz" >&2; exit 1; }

# A Vulkan loader: the system's (ldconfig or LD_LIBRARY_PATH), else the carried libvulkan1 .deb.
have_loader() {
  ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 && return 0
  local d
  IFS=: read -ra dirs <<< "${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do [ -n "$d" ] && [ -e "$d/libvulkan.so.1" ] && return 0; done
  return 1
}
if ! have_loader; then
  if ls libvulkan1_*.deb >/dev/null 2>&1; then
    mkdir -p .run/vk && for deb in ./*.deb; do dpkg -x "$deb" .run/vk; done
    export LD_LIBRARY_PATH="$HERE/.run/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  else
    echo "warning: no Vulkan loader (libvulkan.so.1) found; Dawn will find no GPU" >&2
  fi
fi
# The NVIDIA ICD where container images keep it (it needs glvnd's libGLdispatch: the .debs above).
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true

export UNMASK_DAWN_NODE="$HERE/.run/dawn.node" UNMASK_DAWN_REEXEC=1 UNMASK_RESULTS_DIR="$HERE/results"
QUICK=()
MODEL=(--batches 1,16,64 --runtimes webgpu,ort-webgpu,cpu --decode-runtimes webgpu,cpu)
if [ "${1:-}" = "--quick" ]; then
  QUICK=(--quick)
  MODEL=(--batches 1,4 --runtimes webgpu,ort-webgpu,cpu --max-reps 2 --budget-ms 500 --decode-samples 4 --decode-runtimes webgpu)
fi
echo "== GPU vs CPU (oracle decodes) =="
"$NODE" bench/dist/gpu-vs-cpu.mjs --backend dawn "${QUICK[@]}" | tee results/gpu-vs-cpu.txt
echo "== model forward pass: our WGSL engine vs ORT (WebGPU where it runs) vs the CPU twin =="
"$NODE" bench/dist/model-forward.mjs --backend dawn "${MODEL[@]}" | tee results/model-forward.txt
echo "== the page's step-through on the GPU (model GPU-resident, oracle) vs the CPU loop =="
"$NODE" bench/dist/page-model-check.mjs | tee results/page-model-check.txt
echo "results in $HERE/results"
