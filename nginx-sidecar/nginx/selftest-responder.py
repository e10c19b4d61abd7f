#!/usr/bin/env python3
"""A tiny stand-in for the Reflex sidecar, for selftest.sh: speaks wire protocol v1 on a Unix socket.

Modes: victims (answers VICTIMS naming the largest candidate), sleep (answers VICTIMS after sleeping
past NGINX's deadline), garbage (cycles through malformed replies, ERROR frames and closed sockets),
touch URL N (first GETs URL/f1.bin .. URL/fN.bin through NGINX, so every candidate is used while NGINX
waits, then names them all).
One thread, one selector. Every request is checked against the contract; a summary line is printed on SIGTERM.
"""
import math
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time
import urllib.request

path, mode = sys.argv[1], sys.argv[2]
sleep_s = float(sys.argv[3]) if mode == "sleep" and len(sys.argv) > 3 else 0.005
touch_url = sys.argv[3] if mode == "touch" else None
touch_n = int(sys.argv[4]) if mode == "touch" else 0
served = 0
stats = {"connections": 0, "requests": 0, "bad_requests": 0, "replies": 0}
fmin = [math.inf] * 6
fmax = [-math.inf] * 6
NAMES = ["age_s", "size_bytes", "hits", "inter_arrival_s", "ttl_remaining_s", "origin_rtt_ms"]


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def victims(count, rid, mask):
    return struct.pack("<IBBHIQ", 16, 1, 2, count, rid, mask)


def garbage(i, count, rid):
    kind = i % 9
    if kind == 0:
        return struct.pack("<IBBHIQ", 16, 9, 2, count, rid, 1)           # wrong version
    if kind == 1:
        return struct.pack("<I", 7) + b"\x01\x02\x00\x00\x00\x00\x00"    # length under 8
    if kind == 2:
        return victims(count, rid + 1, 1)                                # request_id mismatch
    if kind == 3:
        return victims(count + 1, rid, 1)                                # count mismatch
    if kind == 4:
        return victims(count, rid, 1 << count if count < 64 else 0)     # bit at or above K
    if kind == 5:
        return victims(count, rid, 0)                                    # empty mask
    if kind == 6:
        msg = "selftest: internal error".encode()
        return struct.pack("<IBBHIHH", 8 + 4 + len(msg), 1, 3, 0, rid, 6, len(msg)) + msg
    if kind == 7:
        return None                                                      # close the socket
    return bytes(random.getrandbits(8) for _ in range(20))              # noise


def answer(frame):
    """The reply to one frame (bytes), or None to close the connection."""
    global served
    version, typ, count, rid = struct.unpack("<BBHI", frame[:8])
    ok = version == 1 and typ == 1 and 1 <= count <= 64 and len(frame) == 8 + 24 * count
    feats = struct.unpack("<%df" % (6 * count), frame[8:]) if ok else ()
    ok = ok and all(math.isfinite(f) and f >= 0 for f in feats)
    stats["requests"] += 1
    if not ok:
        stats["bad_requests"] += 1
    for j, f in enumerate(feats):
        fmin[j % 6] = min(fmin[j % 6], f)
        fmax[j % 6] = max(fmax[j % 6], f)
    served += 1
    if mode == "victims":
        sizes = feats[1::6]
        return victims(count, rid, 1 << max(range(count), key=lambda c: sizes[c]))
    if mode == "sleep":
        time.sleep(sleep_s)
        return victims(count, rid, 1)
    if mode == "touch":
        for i in range(1, touch_n + 1):
            with urllib.request.urlopen("%s/f%d.bin" % (touch_url, i)) as r:
                r.read()
        return victims(count, rid, (1 << count) - 1)
    return garbage(served - 1, count, rid)


def close(conn):
    sel.unregister(conn)
    conn.close()


def readable(conn, buf):
    try:
        chunk = conn.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        chunk = b""
    if not chunk:
        close(conn)
        return
    buf += chunk
    while len(buf) >= 4:
        (length,) = struct.unpack("<I", buf[:4])
        if not 8 <= length <= 4096:
            close(conn)
            return
        if len(buf) < 4 + length:
            return
        frame = bytes(buf[4:4 + length])
        del buf[:4 + length]
        reply = answer(frame)
        if reply is None:
            close(conn)
            return
        try:
            conn.send(reply)
            stats["replies"] += 1
        except OSError:
            close(conn)
            return


def summary(*_):
    ranges = " ".join("%s=[%g,%g]" % (n, lo, hi) for n, lo, hi in zip(NAMES, fmin, fmax)
                      if lo != math.inf)
    print("responder mode=%s connections=%d requests=%d bad_requests=%d replies=%d %s"
          % (mode, stats["connections"], stats["requests"], stats["bad_requests"],
             stats["replies"], ranges), flush=True)
    os._exit(0)


signal.signal(signal.SIGTERM, summary)
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(128)
srv.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ, None)
print("responder ready", flush=True)
while True:
    for key, _ in sel.select():
        if key.data is None:
            while True:
                try:
                    c, _ = srv.accept()
                except BlockingIOError:
                    break
                c.setblocking(False)
                stats["connections"] += 1
                sel.register(c, selectors.EVENT_READ, bytearray())
        else:
            readable(key.fileobj, key.data)
