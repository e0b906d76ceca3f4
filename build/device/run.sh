#!/bin/sh
# The device check's launcher inside the bundle: arguments go to build/device/device-check.ts.
set -e
here=$(cd "$(dirname "$0")" && pwd)
# The bundled Vulkan loader, for machines whose image has none (Dawn loads libvulkan.so.1).
if [ -d "$here/vulkan/usr/lib/x86_64-linux-gnu" ] && ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  export LD_LIBRARY_PATH="$here/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# The driver's own libraries (its ICD names libGLX_nvidia.so.0 bare) where GPU containers mount them.
for lib in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  if [ -d "$lib" ]; then export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$lib"; fi
done
# NVIDIA's ICD manifest where container images mount the driver, unless one is named already.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd"
      break
    fi
  done
fi
# The tiny model is made from scratch in a fresh cache, so its time is part of the run.
if [ -z "${QWEN_EDIT_CACHE:-}" ]; then
  QWEN_EDIT_CACHE=$(mktemp -d)
  export QWEN_EDIT_CACHE
fi
exec "$here/node" "$here/app/device-check.mjs" "$@"
