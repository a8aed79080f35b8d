package io.minirpc.cli;

import java.util.concurrent.Flow;

/** A service that streams, for the command line's call. */
public interface Tape {
  /** {@code n} orders of {@code item}, one by one. */
  Flow.Publisher<Shop.Order> play(String item, int n);
}
