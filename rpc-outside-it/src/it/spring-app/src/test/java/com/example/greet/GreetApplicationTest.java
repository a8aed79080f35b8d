package com.example.greet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.spring.boot.RpcServerLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

@ExtendWith(OutputCaptureExtension.class)
class GreetApplicationTest {
  @Test
  @EnabledIfSystemProperty(named = "expect", matches = "served")
  void withNetty42TheApplicationServesItsRpcServiceBeans() {
    try (ConfigurableApplicationContext context =
        SpringApplication.run(GreetApplication.class, "--minirpc.port=0")) {
      int port = context.getBean(RpcServerLifecycle.class).server().port();
      try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).build()) {
        assertEquals("Hello, Ada", client.proxy(Greeter.class).greet("Ada"));
      }
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "expect", matches = "refused")
  void withSpringBootsNetty41StartUpFailsSayingWhatToAdd(CapturedOutput output) {
    assertThrows(Exception.class,
        () -> SpringApplication.run(GreetApplication.class, "--minirpc.port=0").close());
    String report = output.getAll();
    assertTrue(report.contains("APPLICATION FAILED TO START"), report);
    assertTrue(report.contains("minirpc runs on Netty 4.2 (built with 4.2.18.Final), but this"
        + " application has Netty 4.1."), report);
    assertTrue(report.contains("add <netty.version>4.2.18.Final</netty.version> to the"
        + " <properties> of your pom"), report);
  }
}
