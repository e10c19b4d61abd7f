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

    @Test
    void withAGpuButNoCudaBackendYetAutoSaysItTrainsOnTheCpuAndGpuRefuses() {
        List<String> lines = new ArrayList<>();
        DeviceSelector.Selection s = new DeviceSelector(() -> ONE_GPU).select(DeviceRequest.AUTO, lines::add);
        assertEquals("cpu", s.device());
        assertTrue(lines.getFirst().contains("GPU 0 (NVIDIA H100 80GB HBM3) found, but this build has no CUDA backend yet"));
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> new DeviceSelector(() -> ONE_GPU).select(DeviceRequest.parse("gpu"), line -> { }));
        assertTrue(e.getMessage().startsWith("--device gpu:0: NVIDIA H100 80GB HBM3 found, but this build has no CUDA backend yet"));
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
