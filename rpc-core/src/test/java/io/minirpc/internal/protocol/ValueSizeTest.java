package io.minirpc.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refusal for size names the value that made the frame too large, and what the codec made of it. */
class ValueSizeTest {
  @Test
  void theLargestArgumentIsNamedWithJsonsBase64ForBytes() {
    Object[] args = {"small", new byte[3_000_000], List.of(1, 2)};
    assertEquals(" Its largest argument is argument 2, a byte[] of 3000000 bytes, which the json"
        + " codec writes as base64: about 4000002 bytes (the kryo codec writes bytes as they"
        + " are).", ValueSize.ofArguments(args, "json"));
    assertEquals(" Its largest argument is argument 2, a byte[] of 3000000 bytes.",
        ValueSize.ofArguments(args, "kryo"));
  }

  @Test
  void stringsArraysCollectionsAndMapsHaveSizesOtherValuesNone() {
    assertEquals(" The result is a string of 4 characters.", ValueSize.ofResult("abcd", "json"));
    assertEquals(" The result is a long[] of 2 elements.", ValueSize.ofResult(new long[2], "json"));
    assertEquals(" The result is a collection of 3 elements.",
        ValueSize.ofResult(List.of(1, 2, 3), "kryo"));
    assertEquals(" The result is a map of 1 entry.", ValueSize.ofResult(Map.of(1, 2), "kryo"));
    assertEquals("", ValueSize.ofResult(42, "json"));
    assertEquals("", ValueSize.ofResult(null, "json"));
    assertEquals("", ValueSize.ofArguments(new Object[] {1, null}, "json"));
    assertEquals("", ValueSize.ofArguments(null, "json"));
  }
}
