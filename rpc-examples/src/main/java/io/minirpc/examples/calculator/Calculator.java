package io.minirpc.examples.calculator;

import java.util.concurrent.CompletableFuture;

/** A calculator: overloads, a declared exception, an asynchronous method and a local default. */
public interface Calculator {
  int add(int a, int b);

  double add(double a, double b);

  int divide(int a, int b) throws CalculatorException;

  /**
   * Asynchronous end to end: the caller is not blocked, nor is a server thread. Declaring the
   * unchecked exception sends it to callers as itself; an undeclared one reaches them as INTERNAL
   * with an error id.
   */
  CompletableFuture<Long> factorial(int n) throws IllegalArgumentException;

  /** Runs on the client: a default method is never sent over the wire. */
  default int square(int a) {
    return multiply(a, a);
  }

  int multiply(int a, int b);
}
