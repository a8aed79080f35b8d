package io.minirpc.examples.fleet;

/** A {@link Greeter} that names its server. */
public final class GreeterImpl implements Greeter {
  private final String server;

  public GreeterImpl(String server) {
    this.server = server;
  }

  @Override
  public String greet(String name) {
    return "Hello, " + name + ", from " + server;
  }
}
