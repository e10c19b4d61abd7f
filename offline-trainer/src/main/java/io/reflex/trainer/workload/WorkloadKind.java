package io.reflex.trainer.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The generators {@code ./reflex workload <kind>} knows, by name, with their defaults. Stateless and
 * thread-safe.
 */
public enum WorkloadKind {
    /** {@link TrapWorkload}: Cold-RL's adversarial workload (30,000 requests, 2,000 objects). */
    TRAP("trap"),
    /** {@link ZipfWorkload}: Zipf popularity, mixed sizes (1,000,000 requests, 100,000 objects). */
    ZIPF("zipf"),
    /** {@link BurstWorkload}: periodic bursts and scans over a Zipf background (1,000,000 requests). */
    BURSTS("bursts"),
    /** {@link LoopWorkload}: a loop a little larger than a 2,000-entry cache, over a Zipf hot set (76,000 requests). */
    LOOP("loop");

    private final String label;

    WorkloadKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * The kind named {@code name}.
     *
     * @throws IllegalArgumentException naming it and the known kinds
     */
    public static WorkloadKind fromLabel(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (WorkloadKind k : values()) {
            if (k.label.equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "' (known: "
                + Arrays.stream(values()).map(WorkloadKind::label).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * A generator of this kind.
     *
     * @param seed     seed of every draw
     * @param requests number of requests, or 0 for the kind's default
     * @param objects  number of (background) objects, or 0 for the kind's default
     */
    public Workload create(long seed, int requests, int objects) {
        return switch (this) {
            case TRAP -> {
                TrapWorkload.Builder b = TrapWorkload.builder().seed(seed);
                if (requests > 0) {
                    b.requests(requests);
                }
                if (objects > 0) {
                    b.objects(objects);
                }
                yield b.build();
            }
            case ZIPF -> {
                ZipfWorkload.Builder b = ZipfWorkload.builder().seed(seed);
                if (requests > 0) {
                    b.requests(requests);
                }
                if (objects > 0) {
                    b.objects(objects);
                }
                yield b.build();
            }
            case BURSTS -> {
                BurstWorkload.Builder b = BurstWorkload.builder().seed(seed);
                if (requests > 0) {
                    b.requests(requests);
                }
                if (objects > 0) {
                    b.objects(objects);
                }
                yield b.build();
            }
            case LOOP -> {
                LoopWorkload.Builder b = LoopWorkload.builder().seed(seed);
                if (requests > 0) {
                    b.requests(requests);
                }
                if (objects > 0) {
                    b.hot(objects);
                }
                yield b.build();
            }
        };
    }
}
