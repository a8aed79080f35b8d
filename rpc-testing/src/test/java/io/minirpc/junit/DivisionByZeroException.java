package io.minirpc.junit;

/** Declared by {@link Calculator#divide}: comes back to the caller as itself. */
public class DivisionByZeroException extends Exception {
  private static final long serialVersionUID = 1L;

  public DivisionByZeroException(String message) {
    super(message);
  }
}
