#!/usr/bin/env bash
# Builds what scripts/gpu-check.sh needs on a GPU machine that has no JDK and no network:
# gpu-bundle/reflex-gpu.tar.gz (git-ignored), within the device tool's 64 MiB for the working tree
# plus carried paths (carry: ["gpu-bundle"]). Inside:
#   runtime/     a jlinked JDK 25: the modules jdeps finds in the trainer jar, less the AWT, compiler
#                and HTTP-server modules only the report charts, annotations and the sidecar use,
#                plus jdk.incubator.vector (loaded by --add-modules, which jdeps cannot see)
#   reflex.jar   the shaded CLI jar without ONNX Runtime's native libraries for other platforms
#                (macOS, Windows, aarch64 and their debug symbols: 265 of its 288 MB unpacked) and
#                zstd-jni's natives but x86-64 Linux's. ONNX Runtime's linux-x64 library stays: the
#                engine loads every model through it for its load checks, so `evaluate eviction`
#                needs it (training and the CUDA backend do not)
#   jvm.options  the launcher's JVM flags
# Usage: scripts/build-gpu-bundle.sh [--no-build]   (--no-build: reuse cli/target/reflex.jar)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$root/gpu-bundle"
out="$bundle/stage"
limit=$((64 * 1024 * 1024))
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

if [ "${1:-}" != "--no-build" ]; then
  (cd "$root" && mvn -B -ntp -o -q -pl cli -am -DskipTests -Djazzer.skip=true package)
fi
jar="$root/cli/target/reflex.jar"
[ -f "$jar" ] || { echo "build-gpu-bundle: $jar is missing (run without --no-build)" >&2; exit 1; }

rm -rf "$bundle"
mkdir -p "$out"
cp "$jar" "$out/reflex.jar"
cp "$root/cli/target/jvm.options" "$out/jvm.options"
# drop native libraries the GPU check never loads; keep linux/amd64's zstd-jni (small, and the only
# one such a machine could load)
for pattern in 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/linux-aarch64/*' \
               'aix/*' 'win/*' 'darwin/*' 'freebsd/*' 'linux/arm/*' 'linux/aarch64/*' 'linux/i386/*' 'linux/mips64/*' \
               'linux/ppc64/*' 'linux/ppc64le/*' 'linux/riscv64/*' 'linux/loongarch64/*' 'linux/s390x/*'; do
  zip -q -d "$out/reflex.jar" "$pattern" >/dev/null 2>&1 || true
done

# jdeps' list, less what only the report charts (java.desktop: AWT for vectorgraphics2d), annotations
# (java.compiler) and the sidecar's HTTP server (jdk.httpserver) use: 30 MB the check never loads
found="$(jdeps --multi-release 25 --ignore-missing-deps --print-module-deps "$out/reflex.jar" 2>/dev/null | tail -1)"
modules="$(echo "$found,jdk.incubator.vector,jdk.unsupported,jdk.zipfs" | tr ',' '\n' \
  | grep -vx -e java.desktop -e java.compiler -e jdk.httpserver | sort -u | paste -sd, -)"
echo "build-gpu-bundle: jdeps found $found; jlink adds $modules"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
  --strip-native-debug-symbols=exclude-debuginfo-files --output "$out/runtime"
# the JVM's symbol table is a sixth of it and only a debugger reads it
if command -v strip >/dev/null; then
  chmod u+w "$out/runtime/lib/server/libjvm.so"
  strip --strip-unneeded "$out/runtime/lib/server/libjvm.so"
fi

"$out/runtime/bin/java" @"$out/jvm.options" -jar "$out/reflex.jar" --version >/dev/null
echo "build-gpu-bundle: the bundled runtime starts the jar (runtime $(du -sh "$out/runtime" | cut -f1), jar $(du -sh "$out/reflex.jar" | cut -f1) unpacked)"
# gzip rather than xz: every Linux image has it
tar -C "$out" -cf - runtime reflex.jar jvm.options | gzip -9 > "$bundle/reflex-gpu.tar.gz"
rm -rf "$out"
bytes=$(stat -c %s "$bundle/reflex-gpu.tar.gz")
tree=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "build-gpu-bundle: $bundle/reflex-gpu.tar.gz is $((bytes / 1024 / 1024)) MiB ($bytes bytes); with the working tree ($((tree / 1024 / 1024)) MiB) $(((bytes + tree) / 1024 / 1024)) MiB of the 64 MiB"
if [ $((bytes + tree)) -ge "$limit" ]; then
  echo "build-gpu-bundle: over the 64 MiB the device tool carries" >&2
  exit 1
fi
