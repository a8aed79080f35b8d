package io.minirpc.it;

/**
 * A class that records whether it was ever initialized or constructed. Crafted payloads name it;
 * the tests then check that no decoder touched it.
 */
public class Canary {
  static volatile boolean initialized;
  static volatile boolean constructed;

  static {
    initialized = true;
  }

  public Canary() {
    constructed = true;
  }
}
