package io.minirpc.cli;

import java.util.concurrent.Flow;

/** A service that takes a stream from the client, which the command line does not send. */
public interface Recorder {
  /** How many orders came, under {@code name}. */
  long record(String name, Flow.Publisher<Shop.Order> orders);
}
