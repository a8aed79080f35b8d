package io.minirpc.internal.protocol;

import java.io.IOException;

/**
 * Thrown by the slot stream when a codec writes past the maximum frame size. An IOException, so it
 * passes through codecs that wrap what they catch; the core looks for it in the cause chain.
 */
public final class FrameTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  public FrameTooLargeException(String message) {
    super(message);
  }

  /** Whether {@code t} or one of its causes is a FrameTooLargeException. */
  public static boolean isCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FrameTooLargeException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
