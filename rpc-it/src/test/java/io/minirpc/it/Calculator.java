package io.minirpc.it;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The service most end-to-end tests call: overloads, void, nulls, async, declared exceptions. */
public interface Calculator {
  int add(int a, int b);

  double add(double a, double b);

  long add(long... values);

  String concat(String a, String b);

  void reset();

  int counter();

  int divide(int a, int b) throws DivisionByZeroException;

  CompletableFuture<Long> factorial(int n);

  CompletionStage<String> greet(String name);

  /** Completes after {@code millis} from a scheduler: no server thread waits. */
  CompletableFuture<Integer> echoLater(int millis, int value);

  /** The length of {@code s}, after {@code millis}, from a scheduler: the call keeps {@code s}. */
  CompletableFuture<Integer> lengthLater(int millis, String s);

  /** Holds a worker thread for {@code millis}, then answers. */
  int sleepThenEcho(int millis, int value);

  /** Throws according to {@code kind}; see {@link CalculatorImpl#fail}. */
  void fail(String kind, String message) throws IllegalArgumentException;

  CompletableFuture<Void> failAsync(String message) throws UnsupportedOperationException;

  List<String> nothing();

  String repeat(String s, int times);

  default int addThree(int a, int b, int c) {
    return add(add(a, b), c);
  }
}
