package io.minirpc.junit;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The service the tests serve: values, a declared exception, an asynchronous method. */
public interface Calculator {
  int add(int a, int b);

  int divide(int a, int b) throws DivisionByZeroException;

  CompletableFuture<Long> factorial(int n);

  /** Completes after {@code millis}, from another thread: no server thread waits. */
  CompletableFuture<String> later(int millis, String value);

  /** Throws an exception it does not declare. */
  void broken(String message);

  int total(List<Integer> values);

  /** A list that claims to hold integers but holds a {@link Box} (heap pollution). */
  List<Integer> polluted();

  Box echo(Box box);

  /** A record whose component may be an empty {@code Optional}, or {@code null}. */
  record Box(String name, Optional<String> note) {}
}
