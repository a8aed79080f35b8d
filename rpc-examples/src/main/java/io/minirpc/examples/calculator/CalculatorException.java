package io.minirpc.examples.calculator;

/** What {@link Calculator#divide} throws; the client catches it as itself. */
public class CalculatorException extends Exception {
  private static final long serialVersionUID = 1L;

  public CalculatorException(String message) {
    super(message);
  }
}
