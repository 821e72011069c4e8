#!/usr/bin/env bash
# Installs a real Kubernetes API server for the integration tests, offline apart from Debian's apt:
#   - kube-apiserver v1.20.2 built from Debian bookworm's `kubernetes` source package with Debian's Go,
#   - etcd from Debian's `etcd-server`,
#   - kubectl 1.20.2 from Debian's `kubernetes-client`, unpacked into $PREFIX/bin (not installed system-wide,
#     so it never clashes with another kubectl already on the machine).
#
# Idempotent: when $PREFIX/bin already holds kube-apiserver and kubectl, only missing apt runtime
# packages are installed. The first build takes 4-8 minutes of CPU on 2 cores; the Go build cache is kept
# in $PREFIX/gocache (about 1.2 GB) so a rebuild is much faster. Concurrent runs are serialised with a lock file.
#
# Environment: PREFIX (default /usr/local/lib/kube-local/v1.20.2), WHAT (default cmd/kube-apiserver; add
# cmd/kube-controller-manager for namespace deletion and garbage collection).
set -euo pipefail
PREFIX=${PREFIX:-/usr/local/lib/kube-local/v1.20.2}
WHAT=${WHAT:-"cmd/kube-apiserver"}
export DEBIAN_FRONTEND=noninteractive

install -d "$PREFIX/bin"
exec 9>"$PREFIX/.install.lock"
flock 9

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

built() {
  for b in $WHAT; do [ -x "$PREFIX/bin/$(basename "$b")" ] || return 1; done
  [ -x "$PREFIX/bin/kubectl" ]
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Runtime needs (also on a machine that got $PREFIX from a cache): etcd, openssl, curl, jq.
missing=()
command -v etcd >/dev/null || missing+=(etcd-server)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl ca-certificates)
command -v jq >/dev/null || missing+=(jq)
if [ "${#missing[@]}" -gt 0 ]; then echo "kube-local: installing ${missing[*]}"; apt_install "${missing[@]}"; fi

if built; then
  echo "kube-local: already installed in $PREFIX/bin ($("$PREFIX/bin/kube-apiserver" --version))"
  exit 0
fi

if ! grep -qsr '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  echo "kube-local: adding a deb-src entry for bookworm"
  $SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_updated=0
fi
apt_install golang-go rsync jq make openssl curl ca-certificates dpkg-dev \
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev

# A fixed build directory: Go's build cache keys include source paths, so a stable path is what lets
# the kept cache speed up a rebuild.
B="$PREFIX/build"
rm -rf "$B"; mkdir -p "$B"; trap 'rm -rf "$B"' EXIT
cd "$B"

if [ ! -x "$PREFIX/bin/kubectl" ]; then
  echo "kube-local: unpacking kubectl from Debian's kubernetes-client"
  apt-get download -qq kubernetes-client/bookworm 2>/dev/null
  dpkg-deb -x kubernetes-client_*.deb kc
  install -m755 kc/usr/bin/kubectl "$PREFIX/bin/kubectl.tmp"
  mv "$PREFIX/bin/kubectl.tmp" "$PREFIX/bin/kubectl"
fi

need_build=0
for b in $WHAT; do [ -x "$PREFIX/bin/$(basename "$b")" ] || need_build=1; done
if [ "$need_build" = 1 ]; then
  echo "kube-local: building $WHAT from Debian's kubernetes source package (several minutes, once)"
  apt-get source --download-only -qq kubernetes/bookworm 2>/dev/null
  tar xzf kubernetes_*.orig.tar.gz
  cd kubernetes-1.20.2
  # The vendored reflect2 v1.0.1 crashes ("fatal error: fault" in mapiternext) on Go >= 1.18 at the
  # first custom-resource create: swap in Debian's reflect2 1.0.2 and json-iterator 1.1.12 (same API).
  for pkg in github.com/modern-go/reflect2 github.com/json-iterator/go; do
    rm -f "vendor/$pkg"/*.go "vendor/$pkg"/*.s
    for f in /usr/share/gocode/src/$pkg/*.go /usr/share/gocode/src/$pkg/*.s; do
      [ -e "$f" ] || continue
      case "$f" in *_test.go) continue ;; esac
      cp "$f" "vendor/$pkg/"
    done
  done
  # Upstream's make does the GOPATH setup, runs the code generators and stamps the version;
  # a plain `go build` fails on Go 1.19 (module mode) or on the generated openapi package.
  # hack/lib/golang.sh forces GOCACHE to _output/local/go/cache: point that at the kept cache.
  mkdir -p "$PREFIX/gocache" _output/local/go
  ln -s "$PREFIX/gocache" _output/local/go/cache
  CGO_ENABLED=0 make WHAT="$WHAT" GOLDFLAGS="-s -w"
  for b in $WHAT; do
    n=$(basename "$b")
    install -m755 "_output/bin/$n" "$PREFIX/bin/$n.tmp"
    mv "$PREFIX/bin/$n.tmp" "$PREFIX/bin/$n"
  done
fi

echo "kube-local: installed in $PREFIX/bin"
"$PREFIX/bin/kube-apiserver" --version
"$PREFIX/bin/kubectl" version --client --short 2>/dev/null || "$PREFIX/bin/kubectl" version --client
