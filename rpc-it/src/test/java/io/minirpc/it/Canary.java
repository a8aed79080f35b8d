package io.minirpc.it;

/**
 * A class that crafted payloads name; the tests then check, through {@link Flags}, that no decoder
 * initialized or constructed it.
 */
public class Canary {
  static {
    Flags.initialized = true;
  }

  public Canary() {
    Flags.constructed = true;
  }

  /**
   * The flags live outside Canary because reading a static field of Canary would itself initialize
   * it.
   */
  static final class Flags {
    static volatile boolean initialized;
    static volatile boolean constructed;

    private Flags() {}
  }
}
