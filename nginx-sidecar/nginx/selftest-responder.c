/*
 * A fast stand-in for the Reflex sidecar, for selftest.sh: wire protocol v1
 * on a Unix socket, one connection at a time per poll() loop, answering
 * VICTIMS that name the largest candidate.  It measures what the NGINX side
 * of a round trip costs when the answer itself takes no time.
 *
 *   cc -O2 -o responder selftest-responder.c && ./responder /path/to.sock
 *
 * On SIGTERM it prints one summary line; bad_requests counts EVICT frames
 * that break the contract.
 */

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONN  64
#define BUF_SIZE  8192

static volatile sig_atomic_t  stop;
static unsigned long          connections, requests, bad_requests, replies;

static void
on_term(int sig)
{
    (void) sig;
    stop = 1;
}

static uint32_t
get32(const unsigned char *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
}

/* 1: keep the connection, 0: close it */
static int
answer(int fd, const unsigned char *frame, uint32_t len)
{
    unsigned char  out[20];
    uint32_t       count, id, i, best, bits;
    uint64_t       mask;
    float          f, size, best_size;
    int            ok;

    count = frame[2] | (frame[3] << 8);
    id = get32(frame + 4);
    requests++;

    ok = frame[0] == 1 && frame[1] == 1 && count >= 1 && count <= 64
         && len == 8 + 24 * count;
    best = 0;
    best_size = -1;

    for (i = 0; ok && i < 6 * count; i++) {
        bits = get32(frame + 8 + 4 * i);
        memcpy(&f, &bits, sizeof(f));
        if (!isfinite(f) || f < 0) {
            ok = 0;
        }
        if (i % 6 == 1) {
            size = f;
            if (size > best_size) {
                best_size = size;
                best = i / 6;
            }
        }
    }

    if (!ok) {
        bad_requests++;
        return 0;
    }

    mask = (uint64_t) 1 << best;
    out[0] = 16; out[1] = 0; out[2] = 0; out[3] = 0;
    out[4] = 1; out[5] = 2; out[6] = (unsigned char) count; out[7] = 0;
    memcpy(out + 8, frame + 4, 4);
    for (i = 0; i < 8; i++) {
        out[12 + i] = (unsigned char) (mask >> (8 * i));
    }
    (void) id;

    if (send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t) sizeof(out)) {
        return 0;
    }

    replies++;
    return 1;
}

int
main(int argc, char **argv)
{
    static unsigned char  buf[MAX_CONN][BUF_SIZE];
    static size_t         have[MAX_CONN];
    struct pollfd         pfd[MAX_CONN + 1];
    struct sockaddr_un    sa;
    struct sigaction      act;
    int                   srv, n, i, fd, keep;
    ssize_t               r;
    uint32_t              len;

    if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
        return 2;
    }

    memset(&act, 0, sizeof(act));
    act.sa_handler = on_term;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, argv[1]);
    unlink(argv[1]);

    srv = socket(AF_UNIX, SOCK_STREAM, 0);
    if (srv == -1 || bind(srv, (struct sockaddr *) &sa, sizeof(sa)) == -1
        || listen(srv, 128) == -1)
    {
        perror(argv[1]);
        return 1;
    }

    printf("responder ready\n");
    fflush(stdout);

    pfd[0].fd = srv;
    pfd[0].events = POLLIN;
    for (i = 1; i <= MAX_CONN; i++) {
        pfd[i].fd = -1;
        pfd[i].events = POLLIN;
    }

    while (!stop) {
        n = poll(pfd, MAX_CONN + 1, 200);
        if (n <= 0) {
            continue;
        }

        if (pfd[0].revents & POLLIN) {
            fd = accept(srv, NULL, NULL);
            if (fd != -1) {
                for (i = 1; i <= MAX_CONN && pfd[i].fd != -1; i++) { }
                if (i > MAX_CONN) {
                    close(fd);
                } else {
                    pfd[i].fd = fd;
                    have[i - 1] = 0;
                    connections++;
                }
            }
        }

        for (i = 1; i <= MAX_CONN; i++) {
            if (pfd[i].fd == -1 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }

            r = recv(pfd[i].fd, buf[i - 1] + have[i - 1], BUF_SIZE - have[i - 1], 0);
            keep = r > 0;

            if (keep) {
                have[i - 1] += r;
            }

            while (keep && have[i - 1] >= 4) {
                len = get32(buf[i - 1]);
                if (len < 8 || len > 4096) {
                    keep = 0;
                    break;
                }
                if (have[i - 1] < 4 + len) {
                    break;
                }
                keep = answer(pfd[i].fd, buf[i - 1] + 4, len);
                memmove(buf[i - 1], buf[i - 1] + 4 + len, have[i - 1] - 4 - len);
                have[i - 1] -= 4 + len;
            }

            if (r > 0 ? !keep : (r == 0 || (errno != EAGAIN && errno != EINTR))) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
            }
        }
    }

    printf("responder mode=fast-c connections=%lu requests=%lu bad_requests=%lu replies=%lu\n",
           connections, requests, bad_requests, replies);
    unlink(argv[1]);
    return 0;
}
