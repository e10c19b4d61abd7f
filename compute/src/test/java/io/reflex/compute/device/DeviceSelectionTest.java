package io.reflex.compute.device;

import io.reflex.compute.VectorCpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --device: parsing, what auto picks, and the one line gpu gives where there is none. */
class DeviceSelectionTest {

    private static final CudaProbe.Result NO_DRIVER = CudaProbe.Result.missing("libcuda.so.1 not found (no NVIDIA driver on this machine)");
    private static final CudaProbe.Result ONE_GPU = new CudaProbe.Result(List.of("NVIDIA H100 80GB HBM3"), null);

    @Test
    void parsesEveryFormAndRefusesTheRestNamingTheValue() {
        assertEquals(DeviceRequest.AUTO, DeviceRequest.parse("auto"));
        assertEquals(DeviceRequest.Kind.CPU, DeviceRequest.parse("cpu").kind());
        assertEquals(new DeviceRequest(DeviceRequest.Kind.GPU, 0), DeviceRequest.parse("gpu"));
        assertEquals(new DeviceRequest(DeviceRequest.Kind.GPU, 3), DeviceRequest.parse("gpu:3"));
        for (String bad : List.of("tpu", "gpu:", "gpu:-1", "gpu:x", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse(bad));
            assertEquals("--device must be auto, cpu, gpu or gpu:N (N >= 0), got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void autoTrainsOnTheCpuWithoutADriverAndSaysWhy() {
        List<String> lines = new ArrayList<>();
        DeviceSelector.Selection s = new DeviceSelector(() -> NO_DRIVER).select(DeviceRequest.AUTO, lines::add);
        assertInstanceOf(VectorCpuBackend.class, s.backend());
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().startsWith("device: cpu (Vector API, "), lines.getFirst());
        assertTrue(lines.getFirst().endsWith("; no GPU: libcuda.so.1 not found (no NVIDIA driver on this machine))"), lines.getFirst());
    }

    @Test
    void gpuWithoutADriverFailsWithOneLineNamingTheLibrary() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> new DeviceSelector(() -> NO_DRIVER).select(DeviceRequest.parse("gpu"), line -> { }));
        assertEquals("--device gpu:0: libcuda.so.1 not found (no NVIDIA driver on this machine)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void gpuBeyondTheDeviceCountNamesTheDevicesThereAre() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> new DeviceSelector(() -> ONE_GPU).select(DeviceRequest.parse("gpu:2"), line -> { }));
        assertEquals("--device gpu:2: no such device (the driver reports 1: NVIDIA H100 80GB HBM3)", e.getMessage());
    }

    /** A stand-in for CudaBackend: the selection's wiring, without a GPU. */
    private static final DeviceSelector.GpuOpener FAKE_GPU = (ordinal, name, note) -> {
        note.accept("matrix products by cuBLAS");
        return new FakeGpuBackend("gpu:" + ordinal + " (" + name + ")");
    };

    @Test
    void autoTakesTheCudaBackendWhenADeviceExistsAndNamesIt() {
        List<String> lines = new ArrayList<>();
        DeviceSelector.Selection s = new DeviceSelector(() -> ONE_GPU, 2, FAKE_GPU).select(DeviceRequest.AUTO, lines::add);
        assertInstanceOf(FakeGpuBackend.class, s.backend());
        assertEquals("gpu:0 (NVIDIA H100 80GB HBM3)", s.device());
        assertEquals(List.of("device: gpu:0 (NVIDIA H100 80GB HBM3) (CUDA, matrix products by cuBLAS)"), lines);
        assertEquals("gpu:0 (NVIDIA H100 80GB HBM3)",
                new DeviceSelector(() -> ONE_GPU, 2, FAKE_GPU).select(DeviceRequest.parse("gpu"), line -> { }).device());
    }

    @Test
    void aDriverTooOldForThePtxIsOneLineForGpuAndTheCpuForAuto() {
        DeviceSelector.GpuOpener old = (ordinal, name, note) -> {
            throw new io.reflex.compute.cuda.CudaException("cuModuleLoadData", 222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION");
        };
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> new DeviceSelector(() -> ONE_GPU, 1, old).select(DeviceRequest.parse("gpu"), line -> { }));
        assertEquals("--device gpu:0: NVIDIA H100 80GB HBM3: the driver is too old for the PTX kernels "
                + "(cuModuleLoadData: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222))", e.getMessage());
        List<String> lines = new ArrayList<>();
        DeviceSelector.Selection s = new DeviceSelector(() -> ONE_GPU, 1, old).select(DeviceRequest.AUTO, lines::add);
        assertInstanceOf(VectorCpuBackend.class, s.backend());
        assertTrue(lines.getFirst().endsWith("; GPU 0 unusable: NVIDIA H100 80GB HBM3: the driver is too old for the PTX "
                + "kernels (cuModuleLoadData: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222)))"), lines.getFirst());
    }

    @Test
    void autoOpensTheRealCudaBackendAndFallsBackToTheCpuWhereTheDriverLibraryIsMissing() {
        // the probe claims a GPU; this machine has no libcuda.so.1, so CudaBackend.open itself fails
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaProbe.probe().available(), "a real GPU is here");
        List<String> lines = new ArrayList<>();
        DeviceSelector.Selection s = new DeviceSelector(() -> ONE_GPU, 1).select(DeviceRequest.AUTO, lines::add);
        assertInstanceOf(VectorCpuBackend.class, s.backend());
        assertTrue(lines.getFirst().endsWith("; GPU 0 unusable: libcuda.so.1 not found (no NVIDIA driver on this machine))"),
                lines.getFirst());
    }

    @Test
    void theCpuLineStatesItsThreadsAndRefusesZero() {
        List<String> lines = new ArrayList<>();
        new DeviceSelector(() -> NO_DRIVER, 3).select(DeviceRequest.parse("cpu"), lines::add);
        assertTrue(lines.getFirst().startsWith("device: cpu (Vector API, 3 threads on "), lines.getFirst());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeviceSelector(() -> NO_DRIVER, 0));
        assertEquals("--cpu-threads must be >= 1, got 0", e.getMessage());
    }

    @Test
    void theProbeReportsAMissingDriverLibraryAsAReasonNotAnException() {
        CudaProbe.Result r = CudaProbe.probe("libreflex-no-such-cuda.so.1");
        assertFalse(r.available());
        assertEquals("libreflex-no-such-cuda.so.1 not found (no NVIDIA driver on this machine)", r.missing());
        assertTrue(r.devices().isEmpty());
    }

    @Test
    void theProbeOfThisMachineAnswersEitherWay() {
        CudaProbe.Result r = CudaProbe.probe();
        assertEquals(r.available(), !r.devices().isEmpty());
        assertEquals(r.available(), r.missing() == null);
    }
}
