package dev.logrouter.core.sink;

/** A growable FIFO of ints, so record sizes are kept without boxing. Not thread-safe. */
final class IntFifo {
    private int[] items = new int[64];
    private int head;
    int count;

    void addLast(int v) {
        if (count == items.length) {
            int[] bigger = new int[items.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = items[(head + i) % items.length];
            }
            items = bigger;
            head = 0;
        }
        items[(head + count) % items.length] = v;
        count++;
    }

    int pollFirst() {
        int v = items[head];
        head = (head + 1) % items.length;
        count--;
        return v;
    }

    int pollLast() {
        count--;
        return items[(head + count) % items.length];
    }

    void clear() {
        head = 0;
        count = 0;
    }
}
