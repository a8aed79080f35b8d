package io.minirpc.codec;

import java.io.IOException;

/**
 * Whether the call a value is decoded for still wants it. A reader that decodes something large
 * (a collection, an array, many nested values) calls {@link #check} now and then, every thousand
 * elements or so, and stops when it throws: the call was cancelled or its deadline passed, so
 * decoding on would only burn a worker.
 *
 * <pre>{@code
 * for (int i = 0; i < length; i++) {
 *   if ((i & 1023) == 1023) budget.check();
 *   list.add(readElement(in));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DecodeBudget {
  /** A budget that never runs out: for values decoded outside a call, as in tests. */
  DecodeBudget UNLIMITED = () -> {};

  /**
   * Returns if decoding may go on.
   *
   * @throws IOException if it must stop; the message says why, and the core, not the codec,
   *     decides how the call ends
   */
  void check() throws IOException;
}
