package io.minirpc.it;

import java.util.concurrent.CompletableFuture;

/** A method that returns at once, or holds its worker for as long as it is told. */
public interface Pace {
  /** Returns {@code millis} at once if it is 0, else after sleeping that long. */
  CompletableFuture<Integer> hold(int millis);
}
