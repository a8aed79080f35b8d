package io.minirpc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceMapTest {

  @Test
  void callsInFlightComeAndGoAsAnyMapWouldHaveThem() {
    // Consecutive numbers, as a client sends them, with the oldest ending first or in any order:
    // each step is checked against a HashMap, and every key is looked up again now and then.
    Random random = new Random(42);
    SequenceMap<String> map = new SequenceMap<>();
    Map<Long, String> expected = new HashMap<>();
    long next = 1;
    for (int step = 0; step < 200_000; step++) {
      int op = random.nextInt(10);
      if (op < 5 || expected.isEmpty()) {
        long key = random.nextInt(20) == 0 ? random.nextLong() : next++;
        map.put(key, "v" + key);
        expected.put(key, "v" + key);
      } else {
        Long victim = expected.keySet().stream().skip(random.nextInt(expected.size()))
            .findFirst().orElseThrow();
        assertEquals(expected.remove(victim), map.remove(victim));
        assertNull(map.remove(victim));
      }
      assertEquals(expected.size(), map.size());
      if (step % 5_000 == 0) {
        for (Map.Entry<Long, String> e : expected.entrySet()) {
          assertEquals(e.getValue(), map.get(e.getKey()));
        }
        assertEquals(new HashSet<>(expected.values()), new HashSet<>(map.values()));
      }
    }
  }

  @Test
  void removingByValueLeavesAStrangerAlone() {
    SequenceMap<String> map = new SequenceMap<>();
    map.put(7, "old");
    map.put(7, "new");
    assertEquals(1, map.size());
    assertFalse(map.remove(7, "old"));
    assertEquals("new", map.get(7));
    assertTrue(map.remove(7, "new"));
    assertTrue(map.isEmpty());
    assertFalse(map.containsKey(7));
  }

  @Test
  void everyNumberIsAKeyAndNullIsNoValue() {
    SequenceMap<String> map = new SequenceMap<>();
    for (long key : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      map.put(key, Long.toString(key));
    }
    assertEquals("0", map.get(0));
    assertEquals(Long.toString(Long.MIN_VALUE), map.get(Long.MIN_VALUE));
    assertThrows(NullPointerException.class, () -> map.put(1, null));
    map.clear();
    assertTrue(map.isEmpty());
    assertNull(map.get(0));
  }
}
