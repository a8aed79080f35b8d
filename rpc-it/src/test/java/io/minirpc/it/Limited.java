package io.minirpc.it;

import io.minirpc.RateLimit;

/** A service with rate limits declared on it. */
@RateLimit(permitsPerSecond = 300)
public interface Limited {
  int ping(int x);

  @RateLimit(permitsPerSecond = 40, burst = 1)
  int narrow(int x);

  /** The implementation: echoes. */
  static Limited echo() {
    return new Limited() {
      @Override
      public int ping(int x) {
        return x;
      }

      @Override
      public int narrow(int x) {
        return x;
      }
    };
  }
}
