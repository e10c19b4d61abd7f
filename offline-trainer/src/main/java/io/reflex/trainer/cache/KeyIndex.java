package io.reflex.trainer.cache;

import java.util.Arrays;

/**
 * Open-addressing map from a 64-bit key to a dense int id, without boxing: interns the keys of a
 * trace so that the simulator can keep per-object state in arrays. Not thread-safe.
 */
final class KeyIndex {

    private static final int EMPTY = -1;

    private long[] keys;
    private int[] ids;
    private int mask;
    private int size;

    KeyIndex(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        ids = new int[capacity];
        Arrays.fill(ids, EMPTY);
        mask = capacity - 1;
    }

    /** The id of {@code key}, or {@code next} after recording {@code key -> next} when it is new. */
    int idOrPut(long key, int next) {
        int slot = slot(key);
        while (true) {
            int id = ids[slot];
            if (id == EMPTY) {
                keys[slot] = key;
                ids[slot] = next;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return next;
            }
            if (keys[slot] == key) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[oldKeys.length * 2];
        Arrays.fill(ids, EMPTY);
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldIds[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                while (ids[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                ids[slot] = oldIds[i];
            }
        }
    }
}
