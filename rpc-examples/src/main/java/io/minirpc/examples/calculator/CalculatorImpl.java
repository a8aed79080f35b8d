package io.minirpc.examples.calculator;

import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;

/** The server side of {@link Calculator}. */
public final class CalculatorImpl implements Calculator {
  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public double add(double a, double b) {
    return a + b;
  }

  @Override
  public int divide(int a, int b) throws CalculatorException {
    if (b == 0) {
      throw new CalculatorException("cannot divide " + a + " by zero");
    }
    return a / b;
  }

  @Override
  public CompletableFuture<Long> factorial(int n) {
    if (n < 0 || n > 20) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("factorial(" + n + ") does not fit a long; use 0..20"));
    }
    // Computed off the worker thread: the worker returns at once with the future.
    return CompletableFuture.supplyAsync(() -> {
      BigInteger f = BigInteger.ONE;
      for (int i = 2; i <= n; i++) {
        f = f.multiply(BigInteger.valueOf(i));
      }
      return f.longValueExact();
    });
  }

  @Override
  public int multiply(int a, int b) {
    return a * b;
  }
}
