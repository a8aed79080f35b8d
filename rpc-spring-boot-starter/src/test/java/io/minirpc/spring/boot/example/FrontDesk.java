package io.minirpc.spring.boot.example;

import io.minirpc.spring.boot.RpcReference;
import org.springframework.stereotype.Component;

/** A caller: its {@link RpcReference} field is a proxy that calls the server over the network. */
@Component
public class FrontDesk {
  @RpcReference
  Greeter greeter;

  public String welcome(String name) {
    return greeter.greet(name) + "!";
  }

  public Greeter greeter() {
    return greeter;
  }
}
