package io.minirpc.micrometer;

/** An application exception that Shop declares. */
public class OutOfStockException extends Exception {
  public OutOfStockException(String message) {
    super(message);
  }
}
