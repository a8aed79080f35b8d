package io.minirpc.spring.boot;

import io.minirpc.RpcServer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Actuator's view of the minirpc server, as {@code minirpc} in {@code /actuator/health}: {@code
 * UP} while it serves (with its port, open connections and memory held by requests), {@code
 * OUT_OF_SERVICE} while it drains on shutdown, {@code DOWN} before it starts and once closed.
 */
public final class RpcServerHealthIndicator implements HealthIndicator {
  private final RpcServerLifecycle lifecycle;

  /**
   * @param lifecycle the server to report on
   */
  RpcServerHealthIndicator(RpcServerLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    RpcServerLifecycle.State state = lifecycle.state();
    switch (state) {
      case SERVING: {
        RpcServer server = lifecycle.server();
        return Health.up()
            .withDetail("port", server.port())
            .withDetail("connections", server.connectionCount())
            .withDetail("memoryInUse", server.memoryInUse())
            .build();
      }
      case DRAINING:
        return Health.outOfService().withDetail("state", "draining").build();
      default:
        return Health.down().withDetail("state", state.name().toLowerCase(java.util.Locale.ROOT))
            .build();
    }
  }
}
