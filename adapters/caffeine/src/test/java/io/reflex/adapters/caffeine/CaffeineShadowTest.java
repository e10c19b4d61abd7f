package io.reflex.adapters.caffeine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Caffeine's policy in miniature: a key hits once written, and its memory stays within its bounds. */
class CaffeineShadowTest {

    @Test
    void aKeyMissesOnceAndThenHits() {
        CaffeineShadow shadow = (CaffeineShadow) CaffeineShadow.factory(false).create(100, 100);
        assertFalse(shadow.access(42, 1));
        assertTrue(shadow.access(42, 1));
    }

    @Test
    void holdsAtMostItsCapacityInEntries() {
        CaffeineShadow shadow = (CaffeineShadow) CaffeineShadow.factory(false).create(100, 100);
        for (long key = 0; key < 10_000; key++) {
            shadow.access(key, 1);
        }
        assertEquals(100, shadow.size());
    }

    @Test
    void underAWeightCapacityManyLightKeysStillFitInItsEntryBound() {
        CaffeineShadow shadow = (CaffeineShadow) CaffeineShadow.factory(true).create(1_000_000, 50);
        for (long key = 0; key < 10_000; key++) {
            shadow.access(key, 1);
        }
        assertEquals(50, shadow.size(), "the entry bound, not the weight, holds");
    }
}
