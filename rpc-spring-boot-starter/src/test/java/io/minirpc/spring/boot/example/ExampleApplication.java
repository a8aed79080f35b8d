package io.minirpc.spring.boot.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that serves {@link Greeter} and calls it: run its main with {@code
 * minirpc.port} and {@code minirpc.address} set (see application.yml beside it).
 */
@SpringBootApplication
public class ExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}
