package io.reflex.sidecar.server;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.runtime.DecisionDeadline;

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
 */
public record SidecarConfig(Path socket, Path model, int k, Duration deadline, int metricsPort,
                            Duration modelPollInterval, int maxConnections, Duration stallTimeout, int warmupRequests,
                            Duration spin) {

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

    /** Settings with defaults: K from the model, 250 µs deadline, no metrics, 1 s poll, 64 connections, 5 s stall, 20,000 warm-up requests, no spin. */
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

        /** @throws IllegalArgumentException naming the setting at fault */
        public SidecarConfig build() {
            if (socket == null || model == null) {
                throw new IllegalArgumentException("a sidecar needs a socket path and a model file");
            }
            return new SidecarConfig(socket, model, k, deadline, metricsPort, poll, maxConnections, stall, warmup, spin);
        }
    }
}
