package io.reflex.engine.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The name, element type and shape of a model input or output. A dynamic dimension is {@code -1} in
 * {@link #shape()} and keeps its symbolic name (or {@code "?"}) in {@link #dimNames()}.
 *
 * <p>Immutable.
 */
public record TensorSpec(String name, String elementType, long[] shape, List<String> dimNames) {

    public TensorSpec {
        shape = shape.clone();
        dimNames = List.copyOf(dimNames);
        if (dimNames.size() != shape.length) {
            throw new IllegalArgumentException("dimension names do not match the rank of " + name);
        }
    }

    /** A float tensor with a fully known shape. */
    public static TensorSpec of(String name, long... shape) {
        return new TensorSpec(name, "float", shape,
                Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d)).toList());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** True when every dimension is known. */
    public boolean isStatic() {
        return Arrays.stream(shape).allMatch(d -> d >= 0);
    }

    /** Elements per batch row: the product of every dimension after the first, or -1 if one is dynamic. */
    public long rowWidth() {
        long w = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            w *= shape[i];
        }
        return w;
    }

    /** This spec with dynamic dimensions replaced by {@code batch} (first) and rejected elsewhere. */
    public TensorSpec bind(long batch) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                if (i != 0) {
                    throw new IllegalArgumentException(name + " has a dynamic dimension " + i
                            + " (" + dimNames.get(i) + "); only the batch dimension may be dynamic");
                }
                s[i] = batch;
            }
        }
        return of(name, s);
    }

    public long elementCount() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** Shape as a person reads it, e.g. {@code [batch,96]}. */
    public String shapeString() {
        return IntStream.range(0, shape.length).mapToObj(dimNames::get)
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.elementType.equals(elementType)
                && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + elementType + shapeString();
    }
}
