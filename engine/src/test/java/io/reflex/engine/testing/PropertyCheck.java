package io.reflex.engine.testing;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Property tests as plain JUnit 5: one test method runs a property over a fixed number of generated
 * inputs, in a loop.
 *
 * <pre>{@code
 * record Input(int count, List<Integer> scores) {}
 * PropertyCheck.tries(300).forAll(
 *         g -> new Input(g.ints(1, 64), g.list(1, 64, x -> x.ints(-4, 4))),
 *         in -> assertEquals(...));
 * }</pre>
 *
 * <p><b>Seeds.</b> Try {@code t} draws from {@code new SplittableRandom(base + t)}. The base seed is
 * the one given with {@link #seed(long)}, else the {@link String#hashCode() hash} of
 * {@code "TestClass.testMethod"}: every run generates the same inputs, and a failure reproduces by
 * running the test again. A failing try throws an {@link AssertionError} naming the property, the
 * try, its seed and the generated input (records, arrays and lists spelled out), with the failure as
 * its cause.
 *
 * <p><b>Edge cases first.</b> The first three tries draw no random values: every draw takes its low
 * bound (the smallest value, the shortest list, {@code false}, the first choice), then its high bound,
 * then the value nearest zero (with the shortest lists). The random tries after them still draw one
 * value in {@value #EDGE_ONE_IN} from the range's edges: both bounds, their neighbours, and -1, 0, 1
 * where the range has them (the values property-testing libraries inject). Numbers are otherwise
 * uniform in their range; decimals have a fixed number of decimal places, two unless told otherwise.
 * There is no shrinking: the report gives the whole failing input.
 *
 * <p><b>Why one class in the engine's test jar.</b> Every module with property tests depends on the
 * engine, which already shares its test helpers through its test jar ({@link ForkedJvm}). One
 * generator there keeps the edge cases, the seeding and the failure report the same in every module,
 * where a copy per module would drift, and no test depends on a property-testing engine.
 */
public final class PropertyCheck {

    /** One random draw in this many is an edge of its range. */
    static final int EDGE_ONE_IN = 16;

    private static final Edge[] EDGE_TRIES = Edge.values();

    private final int tries;
    private final Long seed;

    private PropertyCheck(int tries, Long seed) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, got " + tries);
        }
        this.tries = tries;
        this.seed = seed;
    }

    /** A property checked on {@code tries} inputs: the edge cases, then random ones. */
    public static PropertyCheck tries(int tries) {
        return new PropertyCheck(tries, null);
    }

    /** The same property with the base seed {@code base} instead of one derived from the test's name. */
    public PropertyCheck seed(long base) {
        return new PropertyCheck(tries, base);
    }

    /** What a property asserts about one input. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T input) throws Exception;
    }

    /**
     * Checks {@code check} on every input {@code generator} draws, one per try; fails on the first
     * input it rejects (or that throws), naming the try, its seed and the input ({@code null} when
     * the generator itself threw).
     */
    public <T> void forAll(Function<Gen, T> generator, Check<? super T> check) {
        String property = caller();
        long base = seed != null ? seed : property.hashCode();
        for (int t = 0; t < tries; t++) {
            long trySeed = base + t;
            Edge edge = t < EDGE_TRIES.length ? EDGE_TRIES[t] : null;
            T input = null;
            try {
                input = generator.apply(new Gen(trySeed, edge));
                check.accept(input);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("property " + property + " failed on try " + (t + 1) + " of " + tries
                        + " (seed " + trySeed + (edge == null ? "" : ", " + edge.description) + ")\n  input: "
                        + describe(input) + "\n  failure: " + e, e);
            }
        }
    }

    /** {@code "TestClass.testMethod"}: the first frame outside this class (a lambda named by its method). */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(PropertyCheck.class.getName())
                        && !f.getClassName().startsWith(PropertyCheck.class.getName() + "$"))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                        + f.getMethodName().replaceFirst("^lambda\\$(.+)\\$\\d+$", "$1"))
                .orElse("?"));
    }

    /** An input spelled out: records by component, arrays and lists element by element. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Record r) {
            StringBuilder s = new StringBuilder(r.getClass().getSimpleName()).append('[');
            RecordComponent[] components = r.getClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                try {
                    var accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    s.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
                            .append(describe(accessor.invoke(r)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return r.toString();
                }
            }
            return s.append(']').toString();
        }
        if (value.getClass().isArray()) {
            String nested = Arrays.deepToString(new Object[] {value});
            return nested.substring(1, nested.length() - 1);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PropertyCheck::describe).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** The edge-case tries, in order. */
    enum Edge {
        LOW("edge case: every value at its low bound"),
        HIGH("edge case: every value at its high bound"),
        TARGET("edge case: every value nearest zero");

        final String description;

        Edge(String description) {
            this.description = description;
        }
    }

    /**
     * The values of one try. Each method draws one value from a range, inclusive at both ends (an
     * edge-case try returns the range's edge instead).
     */
    public static final class Gen {

        private final SplittableRandom random;
        private final Edge edge;

        Gen(long seed, Edge edge) {
            this.random = new SplittableRandom(seed);
            this.edge = edge;
        }

        /** Any long, from {@link Long#MIN_VALUE} to {@link Long#MAX_VALUE}. */
        public long anyLong() {
            return longs(Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** Any int, from {@link Integer#MIN_VALUE} to {@link Integer#MAX_VALUE}. */
        public int anyInt() {
            return ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        /** An int in {@code [min, max]}. */
        public int ints(int min, int max) {
            return (int) longs(min, max);
        }

        /** A long in {@code [min, max]}. */
        public long longs(long min, long max) {
            if (min > max) {
                throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
            }
            if (edge != null) {
                return switch (edge) {
                    case LOW -> min;
                    case HIGH -> max;
                    case TARGET -> clamp(0, min, max);
                };
            }
            if (random.nextInt(EDGE_ONE_IN) == 0) {
                // Overflowing neighbours (min + 1 at Long.MAX_VALUE) wrap and are clamped back to a bound.
                long[] edges = {min, min + 1, -1, 0, 1, max - 1, max};
                return clamp(edges[random.nextInt(edges.length)], min, max);
            }
            if (max < Long.MAX_VALUE) {
                return random.nextLong(min, max + 1);
            }
            return min > Long.MIN_VALUE ? random.nextLong(min - 1, max) + 1 : random.nextLong();
        }

        /** A double in {@code [min, max]} with two decimal places. */
        public double decimal(double min, double max) {
            return decimal(min, max, 2);
        }

        /** A double in {@code [min, max]} with {@code scale} decimal places. */
        public double decimal(double min, double max, int scale) {
            return BigDecimal.valueOf(unscaled(BigDecimal.valueOf(min), BigDecimal.valueOf(max), scale), scale)
                    .doubleValue();
        }

        /** A float in {@code [min, max]} with two decimal places. */
        public float floats(float min, float max) {
            return floats(min, max, 2);
        }

        /** A float in {@code [min, max]} with {@code scale} decimal places. */
        public float floats(float min, float max, int scale) {
            // Through the float's shortest decimal, so that 0.001f bounds the range at 0.001.
            long steps = unscaled(new BigDecimal(Float.toString(min)), new BigDecimal(Float.toString(max)), scale);
            return BigDecimal.valueOf(steps, scale).floatValue();
        }

        /** {@code false} or {@code true}. */
        public boolean bool() {
            if (edge != null) {
                return edge == Edge.HIGH;
            }
            return random.nextBoolean();
        }

        /** One of {@code values}; the first at the low bound and nearest zero, the last at the high bound. */
        @SafeVarargs
        public final <T> T of(T... values) {
            return of(List.of(values));
        }

        /** One of {@code values}; the first at the low bound and nearest zero, the last at the high bound. */
        public <T> T of(List<T> values) {
            return values.get(index(values.size()));
        }

        /** A value from one of {@code generators}, chosen as {@link #of} chooses. */
        @SafeVarargs
        public final <T> T oneOf(Function<Gen, ? extends T>... generators) {
            return generators[index(generators.length)].apply(this);
        }

        /** A list of {@code minSize} to {@code maxSize} values, each drawn by {@code element}. */
        public <T> List<T> list(int minSize, int maxSize, Function<Gen, ? extends T> element) {
            int size = ints(minSize, maxSize);
            List<T> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(Objects.requireNonNull(element.apply(this)));
            }
            return List.copyOf(values);
        }

        private int index(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("nothing to choose from");
            }
            if (edge != null) {
                return edge == Edge.HIGH ? size - 1 : 0;
            }
            return random.nextInt(size);
        }

        /** An integer count of {@code 10^-scale} steps in {@code [min, max]}, drawn as {@link #longs} draws. */
        private long unscaled(BigDecimal min, BigDecimal max, int scale) {
            long low = min.movePointRight(scale).setScale(0, RoundingMode.CEILING).longValueExact();
            long high = max.movePointRight(scale).setScale(0, RoundingMode.FLOOR).longValueExact();
            return longs(low, high);
        }

        private static long clamp(long v, long min, long max) {
            return Math.max(min, Math.min(max, v));
        }
    }
}
