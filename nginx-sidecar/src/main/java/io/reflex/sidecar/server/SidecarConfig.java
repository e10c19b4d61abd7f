package io.reflex.sidecar.server;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.runtime.DecisionDeadline;
import io.reflex.sidecar.floor.SidecarFloor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Validated settings of a {@link SidecarServer}; build with {@link #builder()}. Required: the socket
 * path and the model file. Immutable and thread-safe.
 *
 * @param socket             where the Unix socket is created (mode 0660)
 * @param model              the ONNX eviction model, watched for changes
 * @param k                  candidates per decision; 0 = the model's (a joint model's input is
 *                           {@code [1, 6K]}; a candidate-rows model's {@code reflex.k} metadata, else 16)
 * @param deadline           the policy's decision deadline; later decisions are replaced by LRU
 * @param metricsPort        the loopback Prometheus port: -1 none, 0 any free port
 * @param modelPollInterval  how often the model file is checked for a new version
 * @param maxConnections     connections served at once; more wait in the socket's backlog
 * @param stallTimeout       how long a peer may stay inside a half-sent frame before it is dropped
 * @param warmupRequests     EVICT round trips the sidecar sends itself before it takes connections
 * @param spin               how long a handler polls its connection for the next frame before blocking
 * @param accessLog          NGINX's access log in Reflex's extended format, followed for the LRU floor;
 *                           null: no floor
 * @param cacheMaxSize       NGINX's {@code max_size} in bytes (the floor's capacity); 0 without a floor
 * @param cacheMaxEntries    the most files the cache holds; 0: {@code max_size} over 4 KiB blocks
 * @param accessLogPoll      how often the access log is read
 * @param challenger         a challenger model file evaluated in the shadow on the floor's sampled keys,
 *                           which replaces the served model when it wins; null: none
 */
public record SidecarConfig(Path socket, Path model, int k, Duration deadline, int metricsPort,
                            Duration modelPollInterval, int maxConnections, Duration stallTimeout, int warmupRequests,
                            Duration spin, Path accessLog, long cacheMaxSize, long cacheMaxEntries,
                            Duration accessLogPoll, Path challenger) {

    /** Linux's {@code sun_path} holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    /**
     * The default policy deadline, as both launchers print and parse it: half of NGINX's 500 µs
     * {@code reflex_timeout}, leaving the rest to the socket round trip.
     */
    public static final String DEFAULT_DEADLINE = "250us";
    /** The default model-file poll interval. */
    public static final String DEFAULT_POLL = "1s";
    /** The default spin before a handler blocks (none). */
    public static final String DEFAULT_SPIN = "0us";
    /** The default number of warm-up round trips before the socket is published. */
    public static final int DEFAULT_WARMUP_REQUESTS = 20_000;
    /**
     * The default access-log poll: a tenth of a second, so the floor lags the traffic by that much
     * at most (its decisions come every 1,024 sampled requests) and an idle log costs ten stats a second.
     */
    public static final String DEFAULT_ACCESS_LOG_POLL = "100ms";

    public SidecarConfig {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(model, "model");
        if (socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("socket path " + socket.toAbsolutePath() + " is longer than "
                    + MAX_SOCKET_PATH_BYTES + " bytes (the Unix socket limit)");
        }
        if (k != 0) {
            EvictionModel.requireK(k);   // 0 is the model's own
        }
        DecisionDeadline.require(deadline);
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("metrics port must be in [0, 65535] (or -1 for none), got " + metricsPort);
        }
        if (modelPollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("model poll interval must be >= 10 ms, got " + modelPollInterval);
        }
        if (maxConnections < 1 || maxConnections > 4096) {
            throw new IllegalArgumentException("max connections must be in [1, 4096], got " + maxConnections);
        }
        if (stallTimeout.toMillis() < 10) {
            throw new IllegalArgumentException("stall timeout must be >= 10 ms, got " + stallTimeout);
        }
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("warm-up requests must be >= 0, got " + warmupRequests);
        }
        if (spin.isNegative() || spin.compareTo(Duration.ofMillis(10)) > 0) {
            throw new IllegalArgumentException("spin must be in [0, 10 ms], got " + spin);
        }
        if (accessLog == null && (cacheMaxSize != 0 || cacheMaxEntries != 0)) {
            throw new IllegalArgumentException("--cache-max-size and --cache-max-entries size the LRU floor, "
                    + "which needs --access-log");
        }
        if (accessLog != null && cacheMaxSize < SidecarFloor.BLOCK) {
            throw new IllegalArgumentException("--access-log needs --cache-max-size (NGINX's max_size, e.g. 1g), "
                    + "at least one " + SidecarFloor.BLOCK + "-byte block" + (cacheMaxSize == 0 ? "" : ", got " + cacheMaxSize));
        }
        if (cacheMaxEntries < 0) {
            throw new IllegalArgumentException("--cache-max-entries must be >= 1, got " + cacheMaxEntries);
        }
        if (accessLogPoll.toMillis() < 1) {
            throw new IllegalArgumentException("access log poll interval must be >= 1 ms, got " + accessLogPoll);
        }
        if (challenger != null && accessLog == null) {
            throw new IllegalArgumentException("--challenger needs --access-log: the challenger is paired with the live "
                    + "cache on the LRU floor's sampled keys");
        }
        if (challenger != null && challenger.toAbsolutePath().equals(model.toAbsolutePath())) {
            throw new IllegalArgumentException("--challenger must be another file than --model " + model);
        }
    }

    /**
     * Parses a size as nginx.conf writes {@code max_size}: bytes, or a number with {@code k}, {@code m}
     * or {@code g} (powers of 1024, either case; {@code KB}, {@code MB}, {@code GB} too).
     *
     * @throws IllegalArgumentException naming the text when it is not one
     */
    public static long parseSize(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("b") && t.length() > 2 && "kmg".indexOf(t.charAt(t.length() - 2)) >= 0) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = t.isEmpty() ? 0 : switch (t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v < 0 || v > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (write it as NGINX's max_size, e.g. 25m, 1g)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a duration written with a unit: {@code 500us}, {@code 2ms}, {@code 1s}, {@code 300ns}
     * (also {@code µs}).
     *
     * @throws IllegalArgumentException naming the text when it is not one
     */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        String unit = t.substring(i);
        double value;
        try {
            value = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (write e.g. 500us, 2ms, 1s)");
        }
        double nanos = switch (unit) {
            case "ns" -> value;
            case "us", "µs" -> value * 1e3;
            case "ms" -> value * 1e6;
            case "s" -> value * 1e9;
            default -> throw new IllegalArgumentException("not a duration: '" + text + "' (units: ns, us, ms, s)");
        };
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * Settings with defaults: K from the model, 250 µs deadline, no metrics, 1 s poll, 64 connections,
     * 5 s stall, 20,000 warm-up requests, no spin, no access log (no LRU floor).
     */
    public static final class Builder {
        private Path socket;
        private Path model;
        private int k;
        private Duration deadline = parseDuration(DEFAULT_DEADLINE);
        private int metricsPort = -1;
        private Duration poll = parseDuration(DEFAULT_POLL);
        private int maxConnections = 64;
        private Duration stall = Duration.ofSeconds(5);
        private int warmup = DEFAULT_WARMUP_REQUESTS;
        private Duration spin = parseDuration(DEFAULT_SPIN);
        private Path accessLog;
        private long cacheMaxSize;
        private long cacheMaxEntries;
        private Duration accessLogPoll = parseDuration(DEFAULT_ACCESS_LOG_POLL);
        private Path challenger;

        private Builder() {
        }

        public Builder socket(Path socket) {
            this.socket = socket;
            return this;
        }

        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /** Candidates per decision; must match the model's (default: the model's). */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** The policy's deadline ({@link #DEFAULT_DEADLINE}; validated by {@link DecisionDeadline#require}). */
        public Builder deadline(Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /** The loopback Prometheus port (default -1: none; 0: any free port). */
        public Builder metricsPort(int port) {
            this.metricsPort = port;
            return this;
        }

        public Builder modelPollInterval(Duration interval) {
            this.poll = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder stallTimeout(Duration timeout) {
            this.stall = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * EVICT round trips the sidecar makes to itself over its own socket before the socket
         * appears at its path (default 20,000), so that NGINX's first requests do not meet code
         * still running in the interpreter.
         */
        public Builder warmupRequests(int n) {
            this.warmup = n;
            return this;
        }

        /**
         * How long a handler polls its connection for the next frame after a reply before it blocks
         * (default 0: block at once). Polling catches the next EVICT of a cache manager's burst
         * without a scheduler wake-up, at the price of that much CPU after each reply; it pays off
         * only when the machine has a core to spare (on two busy cores it made the round trip's
         * median worse, 19 → 127 µs, by taking CPU from NGINX's cache manager).
         */
        public Builder spin(Duration spin) {
            this.spin = Objects.requireNonNull(spin, "spin");
            return this;
        }

        /**
         * NGINX's access log in Reflex's extended format ({@code log_format reflex}), followed for the
         * LRU floor, which demotes a history-1 model that loses to LRU on the live traffic (default
         * none: no floor). Needs {@link #cacheMaxSize}.
         */
        public Builder accessLog(Path file) {
            this.accessLog = file;
            return this;
        }

        /** NGINX's {@code max_size} in bytes: the capacity of the floor's LRU shadow. */
        public Builder cacheMaxSize(long bytes) {
            this.cacheMaxSize = bytes;
            return this;
        }

        /**
         * The most files NGINX's cache holds, when its keys zone holds fewer than {@code max_size}
         * over 4 KiB blocks (the default): bounds the shadow's entries and sets its sampling rate.
         */
        public Builder cacheMaxEntries(long entries) {
            this.cacheMaxEntries = entries;
            return this;
        }

        /** How often the access log is read ({@link #DEFAULT_ACCESS_LOG_POLL}). */
        public Builder accessLogPoll(Duration interval) {
            this.accessLogPoll = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * A challenger model file (default none), watched: each new model written there is evaluated
         * in the shadow on the LRU floor's sampled keys and replaces the served model file when it
         * beats the live cache with confidence. Needs {@link #accessLog}.
         */
        public Builder challenger(Path file) {
            this.challenger = file;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting at fault */
        public SidecarConfig build() {
            if (socket == null || model == null) {
                throw new IllegalArgumentException("a sidecar needs a socket path and a model file");
            }
            return new SidecarConfig(socket, model, k, deadline, metricsPort, poll, maxConnections, stall, warmup, spin,
                    accessLog, cacheMaxSize, cacheMaxEntries, accessLogPoll, challenger);
        }
    }
}
