package io.minirpc.internal.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The calls of one connection by sequence number: an open-addressing table of primitive keys,
 * confined to the connection's event loop. Every call passes through it twice.
 *
 * <p>Why not Netty's {@code LongObjectHashMap}: it places a key at its own value modulo the table
 * size, so the consecutive numbers of the calls in flight fill consecutive slots. Removing the
 * oldest then walks the whole run of them (a profile of 64 calls in flight put that walk at 4 %
 * of the event loop). Here a key is mixed with a seed drawn per table and multiplied by the
 * golden ratio, so runs stay short for consecutive numbers, and a peer cannot aim its numbers at
 * one run: it does not know the seed. (Its calls in flight, and so the table, are bounded by the
 * server's limits whatever it sends.)
 *
 * @param <V> the call
 */
public final class SequenceMap<V> {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int INITIAL_CAPACITY = 16;

  private final long seed = ThreadLocalRandom.current().nextLong();
  private long[] keys = new long[INITIAL_CAPACITY];
  private Object[] values = new Object[INITIAL_CAPACITY];
  /** 64 minus the log of the capacity: the top bits of the mixed key pick its slot. */
  private int shift = 64 - Integer.numberOfTrailingZeros(INITIAL_CAPACITY);
  private int size;

  private int home(long key) {
    return (int) (((key ^ seed) * GOLDEN) >>> shift);
  }

  private int slotOf(long key) {
    int mask = values.length - 1;
    for (int i = home(key); ; i = (i + 1) & mask) {
      if (values[i] == null) {
        return -1;
      }
      if (keys[i] == key) {
        return i;
      }
    }
  }

  /** The value of {@code key}, or null. */
  @SuppressWarnings("unchecked")
  public V get(long key) {
    int i = slotOf(key);
    return i < 0 ? null : (V) values[i];
  }

  public boolean containsKey(long key) {
    return slotOf(key) >= 0;
  }

  /** Maps {@code key} to {@code value}, which is not null, in place of any value it had. */
  public void put(long key, V value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    int mask = values.length - 1;
    int i = home(key);
    while (values[i] != null) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size > values.length / 2) {
      grow();
    }
  }

  /** Removes {@code key}; returns its value, or null if it had none. */
  @SuppressWarnings("unchecked")
  public V remove(long key) {
    int i = slotOf(key);
    if (i < 0) {
      return null;
    }
    V value = (V) values[i];
    removeAt(i);
    return value;
  }

  /** Removes {@code key} if it maps to this very {@code value}; returns whether it did. */
  public boolean remove(long key, V value) {
    int i = slotOf(key);
    if (i < 0 || values[i] != value) {
      return false;
    }
    removeAt(i);
    return true;
  }

  /**
   * Empties slot {@code free}, then moves back each later key of its run that may live there:
   * one whose home is not between the emptied slot and where it is now (Knuth's algorithm R).
   * Lookups need no tombstones, and a run only ever gets shorter.
   */
  private void removeAt(int free) {
    int mask = values.length - 1;
    values[free] = null;
    size--;
    for (int i = (free + 1) & mask; values[i] != null; i = (i + 1) & mask) {
      int home = home(keys[i]);
      boolean staysPut = free < i ? free < home && home <= i : free < home || home <= i;
      if (!staysPut) {
        keys[free] = keys[i];
        values[free] = values[i];
        values[i] = null;
        free = i;
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Object[oldValues.length * 2];
    shift--;
    int mask = values.length - 1;
    for (int j = 0; j < oldValues.length; j++) {
      if (oldValues[j] != null) {
        int i = home(oldKeys[j]);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The values, copied: what is done with one may change the table. */
  @SuppressWarnings("unchecked")
  public List<V> values() {
    List<V> all = new ArrayList<>(size);
    for (Object v : values) {
      if (v != null) {
        all.add((V) v);
      }
    }
    return all;
  }

  /** Removes every key; the table keeps its size. */
  public void clear() {
    Arrays.fill(values, null);
    size = 0;
  }
}
