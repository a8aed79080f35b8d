package io.minirpc.examples.fleet;

import io.minirpc.Idempotent;

/** A service of a fleet: each server says who it is, so the demo shows where calls go. */
public interface Greeter {
  /** A greeting for {@code name} from the server that answered. */
  @Idempotent
  String greet(String name);
}
