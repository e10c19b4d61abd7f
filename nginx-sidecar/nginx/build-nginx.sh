#!/usr/bin/env bash
# Builds NGINX 1.22.1 twice from Debian's `nginx` source package: a stock tree and one with
# reflex-eviction.patch applied, both under nginx-sidecar/.build/ (kept across runs and `mvn clean`).
#
#   nginx-sidecar/nginx/build-nginx.sh            build what is missing or out of date
#   REFLEX_NGINX_BUILD_DIR=/some/dir build-nginx.sh  build somewhere else
#
# The source comes through apt with a private sources list derived from this machine's own apt
# sources (deb-src lines for the release's main suite), private package lists and a private cache:
# the machine's apt configuration is not changed. The upstream tarball's SHA-256 is checked against
# the .dsc. The last two lines of output are machine-readable:
#   stock=/abs/path/.build/stock/sbin/nginx
#   patched=/abs/path/.build/patched/sbin/nginx
set -euo pipefail

VERSION=1.22.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
patch_file="$here/reflex-eviction.patch"
build="${REFLEX_NGINX_BUILD_DIR:-$(cd "$here/.." && pwd)/.build}"
jobs="${REFLEX_NGINX_JOBS:-2}"

say() { printf 'build-nginx: %s\n' "$*" >&2; }
die() { printf 'build-nginx: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$build"
build="$(cd "$build" && pwd)"

# One build at a time (Maven test forks may call this concurrently).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$build/.lock"
  flock 9
fi

# --- tools ------------------------------------------------------------------------------------
need_tools() {
  local missing=() pkgs=()
  command -v gcc >/dev/null 2>&1 || { missing+=(gcc); pkgs+=(gcc); }
  command -v make >/dev/null 2>&1 || { missing+=(make); pkgs+=(make); }
  command -v patch >/dev/null 2>&1 || { missing+=(patch); pkgs+=(patch); }
  command -v tar >/dev/null 2>&1 || { missing+=(tar); pkgs+=(tar); }
  command -v gzip >/dev/null 2>&1 || { missing+=(gzip); pkgs+=(gzip); }
  command -v sha256sum >/dev/null 2>&1 || { missing+=(sha256sum); pkgs+=(coreutils); }
  if command -v gcc >/dev/null 2>&1 \
     && ! printf '#include <stdio.h>\nint main(void){return 0;}\n' \
          | gcc -x c -o /dev/null - >/dev/null 2>&1; then
    missing+=("C library headers (libc6-dev)"); pkgs+=(libc6-dev)
  fi
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  say "missing: ${missing[*]} (Debian packages: ${pkgs[*]})"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${pkgs[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${pkgs[@]}" >&2 \
      || { apt-get update >&2 && apt-get install -y --no-install-recommends "${pkgs[@]}" >&2; } \
      || die "could not install ${pkgs[*]}"
  else
    die "install them first: apt-get install --no-install-recommends ${pkgs[*]}"
  fi
}

# --- source -------------------------------------------------------------------------------------
# Prints one-line deb-src entries for the release's main suite, from one-line and deb822 sources.
derive_sources() {
  local codename="" f
  if [ -r /etc/os-release ]; then
    codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  fi
  [ -n "$codename" ] || die "cannot tell the release codename from /etc/os-release"
  {
    [ -r /etc/apt/sources.list ] && sed 's/^/L /' /etc/apt/sources.list
    for f in /etc/apt/sources.list.d/*.list; do [ -r "$f" ] && sed 's/^/L /' "$f"; done
    for f in /etc/apt/sources.list.d/*.sources; do [ -r "$f" ] && { sed 's/^/S /' "$f"; echo "S "; }; done
  } | awk -v suite="$codename" '
    function emit(types, uris, suites, comps, opts,    t, u, s, nt, nu, ns, ta, ua, sa, any) {
      nt = split(types, ta, /[ \t]+/); any = 0
      for (t = 1; t <= nt; t++) if (ta[t] == "deb" || ta[t] == "deb-src") any = 1
      if (!any) return
      nu = split(uris, ua, /[ \t]+/); ns = split(suites, sa, /[ \t]+/)
      for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++)
        if (ua[u] != "" && sa[s] == suite) {
          line = "deb-src " (opts != "" ? "[" opts "] " : "") ua[u] " " sa[s] " " comps
          if (!(line in seen)) { seen[line] = 1; print line }
        }
    }
    function flush() {
      if (enabled != "no" && types != "") emit(types, uris, suites, comps, opts)
      types = uris = suites = comps = opts = ""; enabled = ""
    }
    /^L / {
      $0 = substr($0, 3); sub(/#.*/, "")
      if ($1 != "deb" && $1 != "deb-src") next
      opts = ""; i = 2
      if ($2 ~ /^\[/) {
        o = ""
        for (; i <= NF; i++) { o = o (o == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break } }
        gsub(/^\[|\]$/, "", o); opts = o
      }
      uri = $i; st = $(i + 1); c = ""
      for (j = i + 2; j <= NF; j++) c = c (c == "" ? "" : " ") $j
      if (c != "") emit("deb", uri, st, c, opts)
      opts = ""
      next
    }
    /^S / {
      $0 = substr($0, 3)
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]*#/) next
      if ($0 ~ /^[ \t]/) next                      # continuation lines (multi-line keys): ignored
      k = tolower($0); sub(/:.*/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
      if (k == "types") types = v
      else if (k == "uris") uris = v
      else if (k == "suites") suites = v
      else if (k == "components") comps = v
      else if (k == "enabled") enabled = tolower(v)
      else if (k == "signed-by" && v != "" && v !~ /^-----/) opts = opts (opts == "" ? "" : " ") "signed-by=" v
      else if (k == "trusted") opts = opts (opts == "" ? "" : " ") "trusted=" v
      next
    }
    END { flush() }'
}

fetch_source() {
  local src="$build/src" apt="$build/apt" dsc
  mkdir -p "$src"
  tarball="$src/nginx_${VERSION}.orig.tar.gz"
  dsc="$(ls "$src"/nginx_"${VERSION}"-*.dsc 2>/dev/null | head -n 1 || true)"
  if [ -f "$tarball" ] && [ -n "$dsc" ]; then
    verify_tarball "$dsc"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: cannot fetch Debian's nginx source package"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  derive_sources > "$apt/sources.list"
  [ -s "$apt/sources.list" ] || die "no apt source for this release's main suite in /etc/apt/sources.list{,.d}"
  say "private deb-src list: $(tr '\n' ';' < "$apt/sources.list")"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
              -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
  if [ "$(id -u)" -eq 0 ]; then opts+=(-o APT::Sandbox::User=root); fi
  apt-get "${opts[@]}" -q update >&2 || die "apt-get update with the private source list failed"
  ( cd "$src" && apt-get "${opts[@]}" -q source --download-only nginx >&2 ) \
    || die "apt-get source --download-only nginx failed"
  [ -f "$tarball" ] || die "Debian's nginx source package did not carry nginx_${VERSION}.orig.tar.gz (found: $(ls "$src" | tr '\n' ' '))"
  dsc="$(ls "$src"/nginx_"${VERSION}"-*.dsc 2>/dev/null | head -n 1 || true)"
  [ -n "$dsc" ] || die "no nginx_${VERSION}-*.dsc next to the tarball"
  verify_tarball "$dsc"
}

verify_tarball() {
  local dsc="$1" want got
  grep -q "^Version: ${VERSION}-" "$dsc" || die "$dsc is not nginx ${VERSION}"
  want="$(awk '/^Checksums-Sha256:/{on=1;next} /^[^ ]/{on=0} on && $3=="nginx_'"${VERSION}"'.orig.tar.gz"{print $1}' "$dsc")"
  [ -n "$want" ] || die "$dsc lists no SHA-256 for nginx_${VERSION}.orig.tar.gz"
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [ "$want" = "$got" ] || die "checksum mismatch for $tarball: $got, .dsc says $want (delete $build/src to fetch again)"
}

# --- build ----------------------------------------------------------------------------------------
configure_args() {
  printf '%s\n' --with-cc-opt=-O2 --without-http_rewrite_module --without-http_gzip_module \
    --without-pcre --without-http_scgi_module --without-http_uwsgi_module \
    --without-http_fastcgi_module --without-http_grpc_module --without-http_memcached_module \
    --without-http_ssi_module --without-http_userid_module --without-http_auth_basic_module \
    --without-http_mirror_module --without-http_autoindex_module --without-http_geo_module \
    --without-http_split_clients_module --without-http_browser_module
}

build_tree() {
  local flavour="$1" prefix="$build/$1" work="$build/work/$1" stamp want
  want="$( { echo "$VERSION"; configure_args; sha256sum "$tarball" | cut -d' ' -f1;
             if [ "$flavour" = patched ]; then sha256sum "$patch_file" | cut -d' ' -f1; fi; } \
           | sha256sum | cut -d' ' -f1)"
  stamp="$prefix/.build-stamp"
  if [ -x "$prefix/sbin/nginx" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "$flavour: up to date"
    return 0
  fi
  say "$flavour: building into $prefix"
  rm -rf "$work" "$prefix"
  mkdir -p "$work"
  tar -xzf "$tarball" -C "$work"
  local tree="$work/nginx-$VERSION"
  [ -x "$tree/configure" ] || die "no configure script in $tree"
  if [ "$flavour" = patched ]; then
    [ -f "$patch_file" ] || die "patch not found: $patch_file"
    ( cd "$tree" && patch -p1 --quiet --forward < "$patch_file" ) >&2 || die "$patch_file does not apply to nginx-$VERSION"
  fi
  local args=()
  mapfile -t args < <(configure_args)
  ( cd "$tree" && ./configure --prefix="$prefix" "${args[@]}" > "$work/configure.log" 2>&1 ) \
    || { tail -n 30 "$work/configure.log" >&2; die "$flavour: configure failed (log: $work/configure.log)"; }
  ( cd "$tree" && make -j"$jobs" > "$work/make.log" 2>&1 ) \
    || { grep -E 'error|Error' "$work/make.log" | head -n 30 >&2; die "$flavour: make failed (log: $work/make.log)"; }
  ( cd "$tree" && make install > "$work/install.log" 2>&1 ) || die "$flavour: make install failed"
  "$prefix/sbin/nginx" -V >/dev/null 2>&1 || die "$flavour: built binary does not run"
  echo "$want" > "$stamp"
}

need_tools
fetch_source
build_tree stock
build_tree patched
echo "stock=$build/stock/sbin/nginx"
echo "patched=$build/patched/sbin/nginx"
