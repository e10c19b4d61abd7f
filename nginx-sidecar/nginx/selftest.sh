#!/usr/bin/env bash
# Proves reflex-eviction.patch with the real patched NGINX: a cache in front of an origin (a second
# server block of the same NGINX), a small max_size so the cache manager must evict, and a stand-in
# sidecar (selftest-responder.py) that answers VICTIMS, answers too late, or answers garbage.
#
#   nginx-sidecar/nginx/selftest.sh [PATCHED_NGINX_BINARY]
#
# Without an argument it runs build-nginx.sh first. Scratch files go to nginx-sidecar/.build/selftest/.
# Exit status 0 only if every scenario behaved as expected.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${REFLEX_NGINX_BUILD_DIR:-$(cd "$here/.." && pwd)/.build}"
nginx="${1:-}"
if [ -z "$nginx" ]; then
  nginx="$("$here/build-nginx.sh" | sed -n 's/^patched=//p')"
fi
[ -x "$nginx" ] || { echo "selftest: no nginx binary at '$nginx'" >&2; exit 1; }
command -v curl >/dev/null || { echo "selftest: needs curl" >&2; exit 1; }
command -v python3 >/dev/null || { echo "selftest: needs python3" >&2; exit 1; }

work="$build/selftest"
rm -rf "$work"
mkdir -p "$work/docroot"
failures=0
FILES=600
responder=""
started=()

# whatever happens, leave no NGINX or responder behind
cleanup() {
  local name
  for name in "${started[@]}"; do stop_nginx "$name"; done
  [ -n "$responder" ] && kill -TERM "$responder" 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# Origin content: FILES files of 2-96 KiB.
python3 - "$work/docroot" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open(os.path.join(root, "f%d.bin" % i), "wb") as f:
        f.write(os.urandom(2048 + (i * 7919 % 95) * 1024))
PY

# start_nginx NAME "EXTRA proxy_cache_path PARAMETERS"
start_nginx() {
  local name="$1" extra="$2" dir="$work/$1"
  mkdir -p "$dir/logs" "$dir/cache"
  port="$(free_port)"
  origin="$(free_port)"
  local user=""
  # as root, workers would run as "nobody" and could not reach the socket or write the stats file
  [ "$(id -u)" -eq 0 ] && user="user root;"
  cat > "$dir/nginx.conf" <<CONF
$user
worker_processes ${WORKERS:-1};
error_log $dir/logs/error.log notice;
pid $dir/logs/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    proxy_cache_path $dir/cache levels=1:2 keys_zone=reflex:${KZ:-1m} max_size=${MS:-2m} inactive=10m
                     manager_sleep=10ms $extra;
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://127.0.0.1:$origin;
            proxy_cache reflex;
            proxy_cache_valid 200 10m;
            add_header X-Cache \$upstream_cache_status;
        }
    }
    server {
        listen 127.0.0.1:$origin;
        root $work/docroot;
        limit_rate 32m;
    }
}
CONF
  "$nginx" -p "$dir" -c "$dir/nginx.conf"
  started+=("$name")
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/f1.bin" && return 0
    sleep 0.1
  done
  echo "selftest: nginx '$name' did not come up" >&2
  cat "$dir/logs/error.log" >&2
  exit 1
}

stop_nginx() {
  local dir="$work/$1" pid
  pid="$(cat "$dir/logs/nginx.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# start_responder MODE [SLEEP_S]: a stand-in sidecar on $work/reflex.sock
start_responder() {
  python3 "$here/selftest-responder.py" "$work/reflex.sock" "$@" > "$work/responder.log" 2>&1 &
  responder=$!
  for _ in $(seq 50); do [ -S "$work/reflex.sock" ] && return 0; sleep 0.1; done
  echo "selftest: responder did not start" >&2; exit 1
}

# start_fast_responder: the C stand-in (selftest-responder.c), for the NGINX-side round-trip floor
start_fast_responder() {
  cc -O2 -o "$work/fast-responder" "$here/selftest-responder.c" -lm
  "$work/fast-responder" "$work/reflex.sock" > "$work/responder.log" 2>&1 &
  responder=$!
  for _ in $(seq 50); do [ -S "$work/reflex.sock" ] && return 0; sleep 0.1; done
  echo "selftest: fast responder did not start" >&2; exit 1
}

stop_responder() {
  kill -TERM "$responder" 2>/dev/null || true
  wait "$responder" 2>/dev/null || true
  responder=""
  rm -f "$work/reflex.sock"
  cat "$work/responder.log" | grep '^responder mode' || true
}

# traffic: every file once, then the first third again (hits), then wait for the cache manager to
# bring the cache back under max_size: when the cache was idle it sleeps up to 10 s between runs
traffic() {
  local codes kb
  codes="$( { curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/f[1-$FILES].bin"
              curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/f[1-$((FILES / 3))].bin"
            } | sort | uniq -c | tr '\n' ' ' | tr -s ' ')"
  requests=$((FILES + FILES / 3))
  ok200="$(echo "$codes" | grep -o '[0-9]* 200' | cut -d' ' -f1 || true)"
  ok200="${ok200:-0}"
  echo "      requests: $requests, status counts:$codes"
  [ "${2:-}" = nowait ] && { sleep 0.3; return 0; }
  for _ in $(seq 150); do
    kb="$(cache_kb "$work/$1/cache")"
    [ "$kb" -le 2200 ] && break
    sleep 0.1
  done
  sleep 0.3   # the stats file is at most 100 ms behind
}

# KiB the cached files take on disk (what max_size limits; the level directories are not counted)
cache_kb() { { find "$1" -type f -printf '%k\n' 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }'; }

stat() { awk -v k="$1" '$1 == k { print $2 }' "$stats" 2>/dev/null || echo 0; }

show_stats() {
  [ -f "$stats" ] || { echo "      (no stats file)"; return 0; }
  echo "      stats: $(grep -v '^rtt_hist_us' "$stats" | tr '\n' ' ')"
  awk '$1 == "rtt_hist_us" {
         n = 0; for (i = 2; i <= NF; i++) n += $i
         if (n == 0) { print "      round trip: none"; exit }
         c = 0; p50 = p99 = -1
         for (i = 2; i <= NF; i++) { c += $i
           if (p50 < 0 && c >= 0.50 * n) p50 = i - 2
           if (p99 < 0 && c >= 0.99 * n) p99 = i - 2 }
         printf "      round trip (NGINX side): n=%d p50=%s us p99=%s us\n", n,
                (p50 >= 1000 ? ">=1000" : p50), (p99 >= 1000 ? ">=1000" : p99) }' "$stats"
}

healthy() {
  local dir="$work/$1" pid children
  pid="$(cat "$dir/logs/nginx.pid")"
  children="$(pgrep -P "$pid" | wc -l)"
  if ! kill -0 "$pid" 2>/dev/null || [ "$children" -lt 2 ]; then
    fail "$1: nginx master $pid or its worker/cache manager is gone (children: $children)"
  elif grep -Eq 'exited on signal|core dumped|segmentation' "$dir/logs/error.log"; then
    fail "$1: a process crashed: $(grep -E 'exited on signal|core dumped' "$dir/logs/error.log" | head -n 3)"
  else
    pass "$1: master, worker and cache manager alive, no crash in the error log"
  fi
  [ "$ok200" -eq "$requests" ] && pass "$1: all $requests requests answered 200" \
    || fail "$1: only $ok200 of $requests requests answered 200"
  local kb
  kb="$(cache_kb "$dir/cache")"
  if [ -n "${MS:-}" ]; then
    echo "      cached files: ${kb} KiB (max_size=$MS)"
  elif [ "$kb" -le 2200 ]; then
    pass "$1: the cache manager keeps the cached files at ${kb} KiB (max_size=2m)"
  else
    fail "$1: the cached files take ${kb} KiB, max_size=2m"
  fi
}

positive() { local v; v="$(stat "$2")"; [ "${v:-0}" -gt 0 ] && pass "$1: $2 = $v" || fail "$1: $2 = ${v:-0}, expected > 0"; }
zero() { local v; v="$(stat "$2")"; [ "${v:-0}" -eq 0 ] && pass "$1: $2 = 0" || fail "$1: $2 = $v, expected 0"; }

echo "selftest: $nginx"

# (0) configuration: bad values are refused, and without reflex_socket nothing changes
mkdir -p "$work/conf/logs"
for bad in "reflex_socket=$work/x.sock reflex_k=65" "reflex_socket=$work/x.sock reflex_k=0" \
           "reflex_socket=$work/x.sock reflex_timeout=abc" "reflex_socket=$work/x.sock reflex_timeout=20s" \
           "reflex_k=8" "reflex_socket=" "reflex_socket=$work/x.sock reflex_stats=" \
           "reflex_socket=$work/x.sock reflex_k="; do
  printf 'events {}\nhttp { proxy_cache_path %s keys_zone=z:1m %s; }\n' "$work/conf/cache" "$bad" > "$work/conf/bad.conf"
  if "$nginx" -t -p "$work/conf" -c "$work/conf/bad.conf" > "$work/conf/out" 2>&1; then
    fail "config: '$bad' accepted"
  else
    pass "config: '$bad' refused: $(grep -o 'emerg\].*' "$work/conf/out" | head -n 1 | cut -c 8- | sed 's/ in .*//')"
  fi
done
printf 'events {}\nhttp { proxy_cache_path %s keys_zone=z:1m reflex_socket=%s reflex_timeout=2ms reflex_k=64 reflex_stats=%s; }\n' \
  "$work/conf/cache" "$work/x.sock" "$work/conf/s" > "$work/conf/good.conf"
"$nginx" -t -p "$work/conf" -c "$work/conf/good.conf" > "$work/conf/out" 2>&1 \
  && pass "config: reflex_timeout=2ms reflex_k=64 reflex_stats accepted" \
  || fail "config: a valid reflex configuration was refused: $(cat "$work/conf/out")"

# (a) a responder that names victims: evictions go through the policy
echo "(a) responder answers VICTIMS (evicts the largest of the K=16 least recently used)"
stats="$work/a/reflex.stats"
start_responder victims
start_nginx a "reflex_socket=$work/reflex.sock reflex_timeout=500us reflex_k=16 reflex_stats=$stats"
traffic a
show_stats
healthy a
positive a policy_evictions
positive a policy_decisions
d="$(stat decisions)"; pd="$(stat policy_decisions)"
# A Python responder on a busy machine misses a 500 us deadline now and then; most must be in time.
[ "$((pd * 100))" -ge "$((d * 50))" ] && pass "a: policy decided $pd of $d decisions (the rest: fallbacks above)" \
  || fail "a: policy decided only $pd of $d decisions"
stop_nginx a
stop_responder
grep -q 'bad_requests=0 ' "$work/responder.log" && pass "a: every EVICT frame met the contract" \
  || fail "a: the responder saw EVICT frames that break the contract"

# (g) the same with a C responder that answers at once: what the NGINX side of a round trip costs
echo "(g) fast C responder answers VICTIMS (largest of K=16)"
stats="$work/g/reflex.stats"
start_fast_responder
start_nginx g "reflex_socket=$work/reflex.sock reflex_timeout=500us reflex_k=16 reflex_stats=$stats"
traffic g
show_stats
healthy g
positive g policy_evictions
stop_nginx g
stop_responder
grep -q 'bad_requests=0 ' "$work/responder.log" && pass "g: every EVICT frame met the contract" \
  || fail "g: the responder saw EVICT frames that break the contract"

# (b) no responder: connect fails, the LRU tail is evicted, requests are unaffected
echo "(b) no responder on the socket"
stats="$work/b/reflex.stats"
start_nginx b "reflex_socket=$work/absent.sock reflex_stats=$stats"
traffic b
show_stats
healthy b
positive b fallback_connect
positive b lru_evictions
zero b policy_evictions
grep -q 'reflex: sidecar.*connect' "$work/b/logs/error.log" \
  && pass "b: error log: $(grep -o 'reflex: sidecar.*connect[^,]*' "$work/b/logs/error.log" | head -n 1)" \
  || fail "b: no connect failure in the error log"
stop_nginx b

# (c) a responder that answers after 5 ms: every decision times out at 500 us
echo "(c) responder sleeps 5 ms, past the 500 us deadline"
stats="$work/c/reflex.stats"
start_responder sleep 0.005
start_nginx c "reflex_socket=$work/reflex.sock reflex_stats=$stats"
traffic c
show_stats
healthy c
positive c fallback_timeout
positive c lru_evictions
zero c policy_evictions
stop_nginx c
stop_responder

# (d) garbage: malformed frames, ERROR frames, closed sockets: counted, no crash
echo "(d) responder answers garbage, ERROR frames, or closes the socket"
stats="$work/d/reflex.stats"
start_responder garbage
start_nginx d "reflex_socket=$work/reflex.sock reflex_stats=$stats"
traffic d
show_stats
healthy d
positive d fallback_malformed
positive d fallback_error_reply
positive d fallback_closed
positive d lru_evictions
zero d policy_evictions
grep -q 'reflex: sidecar.*answered an error' "$work/d/logs/error.log" \
  && pass "d: error log: $(grep -o 'reflex: sidecar.*answered an error[^,]*' "$work/d/logs/error.log" | head -n 1)" \
  || fail "d: the ERROR reply is not in the error log"
stop_nginx d
stop_responder

# (f) the keys zone fills up with two workers: the request path frees nodes with the stock LRU rule at
# once, and the cache manager, which brings the zone back under its watermark, asks the sidecar.
# Then the sidecar restarts (the manager's kept connection must reconnect without a fallback) and
# NGINX reloads (the counters live on in the zone).
echo "(f) keys zone full (keys_zone=64k), 2 workers; sidecar restart; nginx -s reload"
stats="$work/f/reflex.stats"
start_responder victims
export KZ=64k MS=1g WORKERS=2
start_nginx f "reflex_socket=$work/reflex.sock reflex_stats=$stats"
traffic f nowait
l0="$(stat lru_evictions)"
[ "${l0:-0}" -gt 0 ] && pass "f: the request path freed $l0 nodes by the LRU rule without waiting" \
  || fail "f: no LRU evictions on the request path"
wait_for() { for _ in $(seq 150); do [ "$(stat "$1")" -gt "$2" ] 2>/dev/null && return 0; sleep 0.1; done; return 1; }
wait_for policy_evictions 0; sleep 0.3
show_stats
p1="$(stat policy_evictions)"; c1="$(stat fallback_closed)"
[ "${p1:-0}" -gt 0 ] && pass "f: the cache manager evicted $p1 through the policy" \
  || fail "f: no policy evictions from the cache manager"
stop_responder
start_responder victims
traffic f nowait
wait_for policy_evictions "$p1"; sleep 0.3
show_stats
p2="$(stat policy_evictions)"; c2="$(stat fallback_closed)"
[ "${p2:-0}" -gt "${p1:-0}" ] && pass "f: policy evictions went on after the sidecar restarted ($p1 -> $p2)" \
  || fail "f: policy evictions stopped after the sidecar restarted ($p1 -> $p2)"
[ "${c2:-0}" -eq "${c1:-0}" ] && pass "f: the kept connection reconnected without a fallback_closed" \
  || fail "f: fallback_closed went from $c1 to $c2 across the restart"
d2="$(stat decisions)"
"$nginx" -p "$work/f" -c "$work/f/nginx.conf" -s reload
sleep 1
traffic f nowait
wait_for decisions "$d2"; sleep 0.3
show_stats
healthy f
d3="$(stat decisions)"
[ "${d3:-0}" -gt "${d2:-0}" ] && pass "f: counters survived the reload and went on (decisions $d2 -> $d3)" \
  || fail "f: counters lost in the reload (decisions $d2 -> $d3)"
stop_nginx f
unset KZ MS WORKERS
stop_responder

# (h) every named victim is used while NGINX waits for the reply: the re-check after the round trip
# must skip them all (stale_victims) and evict the LRU tail instead (fallback_empty_mask)
echo "(h) the responder GETs every file through NGINX before naming all candidates"
stats="$work/h/reflex.stats"
start_nginx h "reflex_socket=$work/reflex.sock reflex_timeout=5000ms reflex_k=16 reflex_stats=$stats"
start_responder touch "http://127.0.0.1:$port" 60
codes="$(curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/f[1-60].bin" | sort | uniq -c | tr -s ' \n' ' ')"
echo "      requests: 60, status counts:$codes"
for _ in $(seq 200); do [ "$(stat fallback_empty_mask)" -gt 0 ] 2>/dev/null && break; sleep 0.1; done
sleep 0.3
show_stats
positive h stale_victims
positive h fallback_empty_mask
zero h policy_evictions
positive h lru_evictions
stop_nginx h
stop_responder

# (e) reflex off: stock eviction, no stats file
echo "(e) no reflex_socket: stock behaviour"
stats="$work/e/reflex.stats"
start_nginx e ""
traffic e
healthy e
[ ! -e "$stats" ] && pass "e: no stats file" || fail "e: a stats file appeared"
stop_nginx e

if [ "$failures" -eq 0 ]; then
  echo "selftest: all checks passed"
else
  echo "selftest: $failures check(s) failed"
  exit 1
fi
