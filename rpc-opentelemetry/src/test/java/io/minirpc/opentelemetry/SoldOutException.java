package io.minirpc.opentelemetry;

/** An application exception both services declare. */
public class SoldOutException extends Exception {
  public SoldOutException(String message) {
    super(message);
  }
}
