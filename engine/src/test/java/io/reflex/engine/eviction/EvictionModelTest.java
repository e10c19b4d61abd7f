package io.reflex.engine.eviction;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The eviction model's metadata contract, read and written in one place. */
class EvictionModelTest {

    @Test
    void aModelThatSaysNothingIsColdRlOverTheSixteenLeastRecentlyUsed() {
        EvictionModel m = EvictionModel.of(Map.of(), "old.onnx");

        assertEquals(EvictionModel.COLD_RL_SCHEMA, m.schema());
        assertEquals(EvictionModel.Candidates.LRU, m.candidates());
        assertEquals(16, m.k());
        assertFalse(m.admission());
        assertFalse(m.readsHistory());
    }

    @Test
    void theMetadataItWritesReadsBackTheSame() {
        EvictionModel m = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 64, true);

        assertEquals(m, EvictionModel.of(m.toMetadata(), "m.onnx"));
        assertTrue(m.readsHistory());
    }

    @Test
    void anInvalidEntryIsNamedWithTheModel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvictionModel.of(Map.of("reflex.candidates", "tail"), "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx: reflex.candidates"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> EvictionModel.of(Map.of("reflex.k", "65"), "k.onnx"));
        assertTrue(e.getMessage().contains("k.onnx") && e.getMessage().contains("65"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EvictionModel.of(Map.of("reflex.schema", "v9"), "s.onnx"));
        assertTrue(e.getMessage().contains("v9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvictionModel.of(Map.of("reflex.admission", "yes"), "a.onnx"));
        assertThrows(IllegalArgumentException.class,
                () -> new EvictionModel(EvictionModel.COLD_RL_SCHEMA, EvictionModel.Candidates.LRU, 16, true),
                "only a history model answers admission");
    }
}
