package com.example.greet;

import io.minirpc.spring.boot.RpcService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application: serves {@link Greeter} on minirpc.port. */
@SpringBootApplication
public class GreetApplication {
  public static void main(String[] args) {
    SpringApplication.run(GreetApplication.class, args);
  }

  /** The implementation, served because it is annotated. */
  @RpcService
  static class FriendlyGreeter implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello, " + name;
    }
  }
}
