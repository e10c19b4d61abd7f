package io.reflex.compute.device;

/**
 * What {@code --device} asked for: {@code auto} (the GPU when the CUDA driver loads and a device
 * exists, else the CPU), {@code cpu}, or {@code gpu} / {@code gpu:N} (device N, default 0).
 *
 * @param kind  which of the three
 * @param index the GPU's ordinal for {@link Kind#GPU}, 0 otherwise
 */
public record DeviceRequest(Kind kind, int index) {

    /** The three requests. */
    public enum Kind { AUTO, CPU, GPU }

    public static final DeviceRequest AUTO = new DeviceRequest(Kind.AUTO, 0);

    public DeviceRequest {
        if (index < 0) {
            throw new IllegalArgumentException("the GPU index must be >= 0, got " + index);
        }
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static DeviceRequest parse(String text) {
        String t = text.trim();
        switch (t) {
            case "auto":
                return AUTO;
            case "cpu":
                return new DeviceRequest(Kind.CPU, 0);
            case "gpu":
                return new DeviceRequest(Kind.GPU, 0);
            default:
                if (t.startsWith("gpu:")) {
                    try {
                        int index = Integer.parseInt(t.substring(4));
                        if (index >= 0) {
                            return new DeviceRequest(Kind.GPU, index);
                        }
                    } catch (NumberFormatException e) {
                        // falls through to the refusal below
                    }
                }
                throw new IllegalArgumentException("--device must be auto, cpu, gpu or gpu:N (N >= 0), got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> "gpu:" + index;
        };
    }
}
