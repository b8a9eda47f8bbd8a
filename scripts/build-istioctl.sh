#!/usr/bin/env bash
# Builds a real istioctl from the istio.io/istio Go module, stamped and sanitised the way Istio's
# release build does it, and packages it as a release asset (tar.gz + .sha256) for the emulator.
#
#   scripts/build-istioctl.sh                 build every version in test/istio-versions.json
#   scripts/build-istioctl.sh VERSION MODULE [PATH=VERSION ...]
#       build one (MODULE: a Go module version of istio.io/istio; PATH=VERSION: dependency overrides
#       for pseudo-versions the module proxy no longer serves)
#
# Output: ${ISTIO_AUTOPILOT_CACHE:-$HOME/.cache/istio-autopilot}/istioctl/<version>/
#   istioctl, istioctl-<version>-linux-amd64.tar.gz, istioctl-<version>-linux-amd64.tar.gz.sha256
set -euo pipefail

cache_root="${ISTIO_AUTOPILOT_CACHE:-$HOME/.cache/istio-autopilot}/istioctl"
here="$(cd "$(dirname "$0")/.." && pwd)"
release_hub="docker.io/istio"

# `istioctl version --remote=false --short` prints "client version: X" on recent releases, "X" on old.
client_version() {
  "$1" version --remote=false --short 2>/dev/null | sed -E 's/^client version: //'
}

# The scratch tree of the build in progress; removed however the script ends.
work=""
cleanup() {
  if [[ -n "$work" ]]; then chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; fi
  work=""
}
trap cleanup EXIT

# Tests on several workers and CI may ask for the same version at once: one builds, the others wait
# for it and then find it cached. Without flock (macOS) concurrent runs just build twice.
lock_version() {
  local out="$1" version="$2"
  command -v flock >/dev/null || return 0
  exec {lock_fd}>"$out/.build.lock"
  if ! flock -n "$lock_fd"; then
    echo "istioctl $version: another build of it is running; waiting for it"
    flock "$lock_fd"
  fi
}

unlock_version() {
  if [[ -n "${lock_fd:-}" ]]; then exec {lock_fd}>&-; fi
  lock_fd=""
}

build_one() {
  local version="$1" module="$2"
  shift 2
  local overrides=("$@")
  local out="$cache_root/$version"
  local asset="istioctl-$version-linux-amd64.tar.gz"
  local started=$SECONDS

  mkdir -p "$out"
  lock_version "$out" "$version"

  if [[ -x "$out/istioctl" && -f "$out/$asset.sha256" ]] &&
     [[ "$(client_version "$out/istioctl")" == "$version" ]]; then
    echo "istioctl $version: cached at $out/istioctl (warm, $((SECONDS - started))s)"
    unlock_version
    return
  fi

  command -v go >/dev/null || { echo "error: Go is not installed; istioctl $version cannot be built" >&2; exit 3; }
  echo "istioctl $version: building from istio.io/istio@$module"
  local src_dir
  src_dir="$(go mod download -json "istio.io/istio@$module" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')"
  [[ -d "$src_dir" ]] || { echo "error: the Go module proxy did not serve istio.io/istio@$module" >&2; exit 3; }

  work="$(mktemp -d)"
  cp -r "$src_dir" "$work/src"
  chmod -R u+w "$work/src"

  # Release builds replace the dev hub and tag in the embedded charts and profiles; do the same so
  # rendered proxies read docker.io/istio/proxyv2:<version>, as a downloaded istioctl renders them.
  find "$work/src/manifests/charts" "$work/src/manifests/profiles" -name '*.yaml' -print0 |
    xargs -0 sed -i -E \
      -e "s#^(\s*hub: )registry\.istio\.io/testing\s*\$#\1$release_hub#" \
      -e "s#^(\s*tag: )latest\s*\$#\1$version#"

  # A wrapper module lets `go build` use the sanitised tree and keep any replace lines Istio has.
  mkdir "$work/wrapper"
  local go_line
  go_line="$(grep -m1 -E '^go [0-9.]+' "$work/src/go.mod")"
  {
    echo "module istioctl.build/wrapper"
    echo
    echo "$go_line"
    echo
    echo "require istio.io/istio $module"
    echo
    echo "replace istio.io/istio => ../src"
    grep -E '^replace .* => [^.]' "$work/src/go.mod" || true
    local o
    for o in "${overrides[@]}"; do echo "replace ${o%%=*} => ${o%%=*} ${o#*=}"; done
  } >"$work/wrapper/go.mod"
  cp "$work/src/go.sum" "$work/wrapper/go.sum"

  local pkg="istio.io/istio/pkg/version"
  local commit="${module##*-}"
  local ldflags="-s -w -X $pkg.buildVersion=$version -X $pkg.buildGitRevision=$commit \
-X $pkg.buildStatus=Clean -X $pkg.buildTag=$version -X $pkg.buildHub=$release_hub \
-X $pkg.buildOS=linux -X $pkg.buildArch=amd64"

  (cd "$work/wrapper" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" \
    -o "$work/istioctl" istio.io/istio/istioctl/cmd/istioctl)

  local printed
  printed="$(client_version "$work/istioctl")"
  [[ "$printed" == "$version" ]] || { echo "error: built istioctl reports '$printed', want '$version'" >&2; exit 1; }

  tar -C "$work" -czf "$work/$asset" istioctl
  (cd "$work" && sha256sum "$asset" >"$asset.sha256")
  mv -f "$work/$asset" "$work/$asset.sha256" "$out/"
  mv -f "$work/istioctl" "$out/istioctl"
  cleanup
  unlock_version
  echo "istioctl $version: built in $((SECONDS - started))s at $out/istioctl"
}

if [[ $# -ge 2 ]]; then
  build_one "$@"
elif [[ $# -eq 0 ]]; then
  while read -r -a spec; do
    build_one "${spec[@]}"
  done < <(node -e '
    const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [k, e] of Object.entries(v)) {
      if (k.startsWith("$")) continue;
      const o = Object.entries(e.replace ?? {}).map(([p, ver]) => `${p}=${ver}`);
      console.log([e.version, e.module, ...o].join(" "));
    }
  ' "$here/test/istio-versions.json")
  echo "istioctl: all pinned versions ready in ${SECONDS}s"
else
  echo "usage: $0 [VERSION MODULE]" >&2
  exit 64
fi
