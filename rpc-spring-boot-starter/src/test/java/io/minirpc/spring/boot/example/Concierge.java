package io.minirpc.spring.boot.example;

import io.minirpc.spring.boot.RpcReference;
import org.springframework.stereotype.Component;

/** A caller with constructor injection: its final field is a proxy of the remote Greeter. */
@Component
public class Concierge {
  private final Greeter greeter;

  public Concierge(@RpcReference Greeter greeter) {
    this.greeter = greeter;
  }

  public String announce(String name) {
    return greeter.greet(name) + ", welcome";
  }

  public Greeter greeter() {
    return greeter;
  }
}
