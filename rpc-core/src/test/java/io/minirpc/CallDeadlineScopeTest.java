package io.minirpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-thread stack of CallDeadline scopes, without a network. */
class CallDeadlineScopeTest {

  @AfterEach
  void noScopeLeftOpen() {
    assertEquals(Optional.empty(), CallDeadline.remaining(), "a test left a scope open");
  }

  @Test
  void noScopeMeansNoDeadline() {
    assertEquals(Optional.empty(), CallDeadline.remaining());
  }

  @Test
  void theDeadlineIsFixedWhenTheScopeOpens() throws Exception {
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofSeconds(10))) {
      Duration first = CallDeadline.remaining().orElseThrow();
      assertTrue(first.compareTo(Duration.ofSeconds(10)) <= 0, first.toString());
      assertTrue(first.compareTo(Duration.ofSeconds(9)) > 0, first.toString());
      Thread.sleep(50);
      Duration later = CallDeadline.remaining().orElseThrow();
      assertTrue(first.minus(later).toMillis() >= 40, first + " then " + later);
    }
  }

  @Test
  void anInnerScopeShortensButNeverLengthensAndClosingRestoresTheOuter() {
    try (CallDeadline.Scope outer = CallDeadline.after(Duration.ofSeconds(10))) {
      try (CallDeadline.Scope longer = CallDeadline.after(Duration.ofHours(1))) {
        assertTrue(left().compareTo(Duration.ofSeconds(10)) <= 0, left().toString());
        try (CallDeadline.Scope shorter = CallDeadline.after(Duration.ofSeconds(1))) {
          assertTrue(left().compareTo(Duration.ofSeconds(1)) <= 0, left().toString());
        }
        assertTrue(left().compareTo(Duration.ofSeconds(9)) > 0, left().toString());
      }
      assertTrue(left().compareTo(Duration.ofSeconds(9)) > 0, left().toString());
    }
  }

  @Test
  void anAbsoluteInstantWorksLikeADuration() {
    try (CallDeadline.Scope s = CallDeadline.at(Instant.now().plusSeconds(5))) {
      assertTrue(left().compareTo(Duration.ofSeconds(5)) <= 0, left().toString());
      assertTrue(left().compareTo(Duration.ofSeconds(4)) > 0, left().toString());
    }
  }

  @Test
  void aPassedDeadlineLeavesZeroAndExtremesDoNotOverflow() {
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(-5))) {
      assertEquals(Duration.ZERO, left());
    }
    try (CallDeadline.Scope s = CallDeadline.at(Instant.MIN)) {
      assertEquals(Duration.ZERO, left());
    }
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofSeconds(Long.MAX_VALUE))) {
      assertTrue(left().compareTo(Duration.ofDays(365L * 100)) > 0, left().toString());
      try (CallDeadline.Scope t = CallDeadline.at(Instant.MAX)) {
        assertTrue(left().compareTo(Duration.ofDays(365L * 100)) > 0, left().toString());
      }
    }
  }

  @Test
  void closingOutOfOrderThrowsAndClosingTwiceDoesNothing() {
    CallDeadline.Scope outer = CallDeadline.after(Duration.ofSeconds(10));
    CallDeadline.Scope inner = CallDeadline.after(Duration.ofSeconds(1));
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertEquals("CallDeadline scopes must be closed in the reverse order they were opened, on the"
        + " thread that opened them", e.getMessage());
    inner.close();
    inner.close();
    outer.close();
    outer.close();
  }

  @Test
  void aScopeBelongsToTheThreadThatOpenedIt() throws Exception {
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofSeconds(10))) {
      assertFalse(CompletableFuture.supplyAsync(CallDeadline::remaining).get().isPresent());
      CompletionException e = assertThrows(CompletionException.class,
          () -> CompletableFuture.runAsync(s::close).join());
      assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
    }
  }

  @Test
  void argumentsAreChecked() {
    NullPointerException a = assertThrows(NullPointerException.class,
        () -> CallDeadline.after(null));
    assertEquals("timeout == null", a.getMessage());
    NullPointerException b = assertThrows(NullPointerException.class,
        () -> CallDeadline.at(null));
    assertEquals("deadline == null", b.getMessage());
  }

  private static Duration left() {
    return CallDeadline.remaining().orElseThrow();
  }
}
