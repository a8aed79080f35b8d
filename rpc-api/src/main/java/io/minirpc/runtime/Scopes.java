package io.minirpc.runtime;

/** Closing a per-thread scope: shared by the stacks behind CallMetadata and CallDeadline. */
final class Scopes {
  private Scopes() {}

  /**
   * Makes {@code parent} the top of {@code top} again, once {@code frame} is checked to be the
   * top: closing out of order, or on another thread, is an error that names the {@code kind}.
   */
  static <F> void pop(ThreadLocal<F> top, F frame, F parent, String kind) {
    if (top.get() != frame) {
      throw new IllegalStateException(kind + " scopes must be closed in the reverse order they"
          + " were opened, on the thread that opened them");
    }
    if (parent == null) {
      top.remove();
    } else {
      top.set(parent);
    }
  }
}
