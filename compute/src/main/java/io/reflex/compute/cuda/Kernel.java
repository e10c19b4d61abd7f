package io.reflex.compute.cuda;

/**
 * The PTX kernels {@link CudaBackend} launches: each one's {@code .entry} name, the resource (under
 * {@code io/reflex/compute/cuda/}) that defines it, and how many parameters it declares.
 * {@code PtxResourcesTest} checks this table against the PTX text, so a renamed entry or a changed
 * parameter list fails the build here rather than {@code cuModuleGetFunction} on a GPU host.
 */
public enum Kernel {

    /** {@code y += b} per row, then ReLU when asked: the dense forward's epilogue. */
    DENSE_BIAS_ACT("elementwise.ptx", "reflex_dense_bias_act", 5),
    RELU_FORWARD("elementwise.ptx", "reflex_relu_forward", 3),
    RELU_BACKWARD("elementwise.ptx", "reflex_relu_backward", 3),
    MSE_GRAD("elementwise.ptx", "reflex_mse_grad", 6),
    HUBER_GRAD("elementwise.ptx", "reflex_huber_grad", 7),
    ADAM_UPDATE("elementwise.ptx", "reflex_adam_update", 12),
    /** {@code db[o] += Σ_r dy[r][o]}, rows in order (one thread per output). */
    BIAS_GRAD_SUM("elementwise.ptx", "reflex_bias_grad_sum", 4),
    SCALE("elementwise.ptx", "reflex_scale", 3),
    AXPY("elementwise.ptx", "reflex_axpy", 4),
    ZERO("elementwise.ptx", "reflex_zero", 2),
    COPY("elementwise.ptx", "reflex_copy", 3),
    /** {@code dst += tau · (src − dst)}: a target network's soft update on the device. */
    BLEND("elementwise.ptx", "reflex_blend", 4),
    /** Per-thread double sums of {@code g²} over a fixed stride ({@link #PARTIAL_THREADS}), added on the host in order. */
    SUM_SQUARES_PARTIAL("elementwise.ptx", "reflex_sum_squares_partial", 4),
    /** The MSE's value as per-thread double partial sums. */
    MSE_LOSS_PARTIAL("elementwise.ptx", "reflex_mse_loss_partial", 6),
    /** The Huber loss's value as per-thread double partial sums. */
    HUBER_LOSS_PARTIAL("elementwise.ptx", "reflex_huber_loss_partial", 7),
    /** The strided, 16 × 16-tiled GEMM used when cuBLAS does not load. */
    GEMM_TILED("gemm.ptx", "reflex_gemm_tiled", 12);

    /** Threads per block of the 1-D kernels. */
    public static final int BLOCK = 256;

    /**
     * Threads of a partial-sum kernel (at most; fewer for fewer elements): thread {@code t} sums
     * elements {@code t, t + T, t + 2T, ...} in order, so the order depends only on the length.
     */
    public static final int PARTIAL_THREADS = 4096;

    /** The GEMM's tile edge (its block is TILE × TILE threads). */
    public static final int TILE = 16;

    private final String resource;
    private final String entry;
    private final int parameters;

    Kernel(String resource, String entry, int parameters) {
        this.resource = resource;
        this.entry = entry;
        this.parameters = parameters;
    }

    /** The PTX file's name beside this class. */
    public String resource() {
        return resource;
    }

    /** The {@code .entry} name. */
    public String entry() {
        return entry;
    }

    /** Parameters the entry declares. */
    public int parameters() {
        return parameters;
    }

    /** The PTX text of {@code resource}, NUL-terminated as {@code cuModuleLoadData} reads it. */
    public static byte[] ptx(String resource) {
        try (var in = Kernel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + resource + " is missing from the jar");
            }
            byte[] text = in.readAllBytes();
            byte[] image = java.util.Arrays.copyOf(text, text.length + 1);
            return image;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
