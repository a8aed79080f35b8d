package io.minirpc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void controlCharactersAreEscapedSoNoLineCanBeForged() {
    assertEquals("json\\n2026-11-30 ERROR forged\\r\\t\\\\\\u0000\\u2028",
        LogSafe.escape("json\n2026-11-30 ERROR forged\r\t\\\u0000\u2028"));
  }

  @Test
  void longStringsAreCutWithACountOfTheRest() {
    assertEquals("x".repeat(200) + "…(800 more)", LogSafe.escape("x".repeat(1000)));
    assertEquals("plain", LogSafe.escape("plain"));
    assertEquals("null", LogSafe.escape(null));
  }

  @Test
  void theLimiterLetsOneLinePerIntervalAndCountsTheOthers() {
    LogSafe.Limiter limiter = new LogSafe.Limiter(1, TimeUnit.HOURS);
    assertEquals(0, limiter.acquire());
    for (int i = 0; i < 5; i++) {
      assertEquals(-1, limiter.acquire());
    }
    assertEquals(" (5 similar line(s) left out)", LogSafe.Limiter.suffix(5));
    LogSafe.Limiter fast = new LogSafe.Limiter(0, TimeUnit.NANOSECONDS);
    assertEquals(0, fast.acquire());
  }
}
