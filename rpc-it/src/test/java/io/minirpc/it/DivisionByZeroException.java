package io.minirpc.it;

/** A checked exception declared by {@link Calculator#divide}. */
public class DivisionByZeroException extends Exception {
  private static final long serialVersionUID = 1L;

  public DivisionByZeroException(String message) {
    super(message);
  }
}
