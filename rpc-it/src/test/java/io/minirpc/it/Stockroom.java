package io.minirpc.it;

import java.util.List;

/** A service whose declared exception has fields of its own. */
public interface Stockroom {
  void reserve(String sku) throws Shortage;

  /** What {@link #reserve} throws: how many are left, and where more are. */
  class Shortage extends Exception {
    private static final long serialVersionUID = 1L;
    private final long available;
    private final List<String> nearby;

    public Shortage(String message, long available, List<String> nearby) {
      super(message);
      this.available = available;
      this.nearby = nearby;
    }

    public long available() {
      return available;
    }

    public List<String> nearby() {
      return nearby;
    }
  }
}
