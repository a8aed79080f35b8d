package io.minirpc.it;

/** What a server process can tell a test about itself. */
public interface ServerInfo {
  /** Bytes of heap in use after a full collection. */
  long usedHeapAfterGc();

  /**
   * Bytes of the server's memory budget that connections and calls hold now, besides the kilobyte
   * this call holds itself (every open call is counted at 1 KiB at least).
   */
  long memoryInUse();

  /** Calls waiting for a worker now. */
  int queuedCalls();

  /** Live threads whose name starts with {@code prefix}. */
  int threads(String prefix);

  /** The implementation of the server process, whose gauges the methods read. */
  static ServerInfo local(java.util.function.Supplier<io.minirpc.metrics.ServerGauges> server) {
    return new ServerInfo() {
      @Override
      public long usedHeapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
      }

      @Override
      public long memoryInUse() {
        return server.get().memoryInUse() - 1024;
      }

      @Override
      public int queuedCalls() {
        return server.get().queuedCalls();
      }

      @Override
      public int threads(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().startsWith(prefix)) {
            n++;
          }
        }
        return n;
      }
    };
  }
}
