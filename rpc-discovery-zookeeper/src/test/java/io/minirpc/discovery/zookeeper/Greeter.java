package io.minirpc.discovery.zookeeper;

/** The service the servers of these tests run. */
public interface Greeter {
  String greet(String name);

  int add(int a, int b);

  /** Answers after {@code millis}, holding a worker: a call in flight during a shutdown. */
  String slowGreet(String name, int millis);

  /** The implementation of these tests. */
  static Greeter impl() {
    return new Greeter() {
      @Override
      public String greet(String name) {
        return "hello " + name;
      }

      @Override
      public int add(int a, int b) {
        return a + b;
      }

      @Override
      public String slowGreet(String name, int millis) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "hello " + name;
      }
    };
  }
}
