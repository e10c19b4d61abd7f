package io.reflex.trainer.cache.policy;

import java.util.Arrays;

/**
 * An indexed binary min-heap of dense object ids ordered by a {@code double} key, ties broken by a
 * {@code long} (smaller first; policies pass the last-access request index so that ties fall to the
 * least recently used). O(log n) insert, update and removal, O(1) peek; no allocation after
 * construction. The building block of the priority policies (LFU, GDSF, size, Belady).
 *
 * <p>Not thread-safe; one instance per policy instance.
 */
public final class ObjectHeap {

    /** Recomputes an object's key, for {@link #rekeyAll}. */
    @FunctionalInterface
    public interface KeyFunction {
        double key(int object);
    }

    private final int[] heap;
    private final int[] position;
    private final double[] key;
    private final long[] tie;
    private int size;

    /** A heap able to hold every object id in {@code [0, objects)}. */
    public ObjectHeap(int objects) {
        heap = new int[objects];
        position = new int[objects];
        key = new double[objects];
        tie = new long[objects];
        Arrays.fill(position, -1);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean contains(int object) {
        return position[object] >= 0;
    }

    /** The object with the smallest key, or -1 when empty. */
    public int peek() {
        return size == 0 ? -1 : heap[0];
    }

    /** The key of an object in the heap. */
    public double keyOf(int object) {
        return key[object];
    }

    /** Inserts the object, or moves it to its new place if already present. */
    public void put(int object, double newKey, long newTie) {
        int p = position[object];
        key[object] = newKey;
        tie[object] = newTie;
        if (p < 0) {
            p = size++;
            heap[p] = object;
            position[object] = p;
            siftUp(p);
        } else {
            siftDown(siftUp(p));
        }
    }

    /** Removes the object if present. */
    public void remove(int object) {
        int p = position[object];
        if (p < 0) {
            return;
        }
        position[object] = -1;
        int lastObject = heap[--size];
        if (p < size) {
            heap[p] = lastObject;
            position[lastObject] = p;
            siftDown(siftUp(p));
        }
    }

    /** Recomputes every key (ties kept) and restores heap order in O(n). */
    public void rekeyAll(KeyFunction function) {
        for (int i = 0; i < size; i++) {
            key[heap[i]] = function.key(heap[i]);
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    private boolean less(int a, int b) {
        double ka = key[a];
        double kb = key[b];
        return ka < kb || (ka == kb && tie[a] < tie[b]);
    }

    private int siftUp(int p) {
        int object = heap[p];
        while (p > 0) {
            int parent = (p - 1) >>> 1;
            int po = heap[parent];
            if (!less(object, po)) {
                break;
            }
            heap[p] = po;
            position[po] = p;
            p = parent;
        }
        heap[p] = object;
        position[object] = p;
        return p;
    }

    private void siftDown(int p) {
        int object = heap[p];
        int half = size >>> 1;
        while (p < half) {
            int child = 2 * p + 1;
            int co = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], co)) {
                child = right;
                co = heap[child];
            }
            if (!less(co, object)) {
                break;
            }
            heap[p] = co;
            position[co] = p;
            p = child;
        }
        heap[p] = object;
        position[object] = p;
    }
}
