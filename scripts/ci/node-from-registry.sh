#!/usr/bin/env bash
# Usage: scripts/ci/node-from-registry.sh <version>
# Fetches the official Node.js binary of <version> from the npm registry (node-linux-<arch>, the
# package that ships it), checks it against the integrity pinned below, and prints the folder that
# holds `node`. No other download source is needed.
set -euo pipefail
version=${1:?usage: node-from-registry.sh <version>}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-from-registry: no Node.js package for $(uname -m)" >&2; exit 2 ;;
esac
# sha512 integrity of each pinned package (npm view node-linux-<arch>@<version> dist.integrity).
declare -A INTEGRITY=(
  [x64@22.23.5]=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
  [arm64@22.23.5]=sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==
  [x64@24.22.3]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
)
want=${INTEGRITY[$arch@$version]:-}
if [ -z "$want" ]; then
  echo "node-from-registry: no pinned integrity for node-linux-$arch@$version; add it to $0" >&2
  exit 2
fi
dir="${TMPDIR:-/tmp}/stedi-node-$arch-$version"
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent "node-linux-$arch@$version")
  got=$(node -e 'const c=require("node:crypto");process.stdout.write("sha512-"+c.createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$dir/$tarball")
  if [ "$got" != "$want" ]; then
    echo "node-from-registry: $tarball has integrity $got, expected $want" >&2
    rm -rf "$dir"
    exit 1
  fi
  tar xzf "$dir/$tarball" -C "$dir" package/bin/node
  rm -f "$dir/$tarball"
fi
echo "$dir/package/bin"
