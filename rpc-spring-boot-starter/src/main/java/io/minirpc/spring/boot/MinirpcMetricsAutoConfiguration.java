package io.minirpc.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.minirpc.micrometer.MicrometerMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The minirpc server's and clients' meters ({@code minirpc.server.*}, {@code minirpc.client.*};
 * see {@code io.minirpc:rpc-micrometer}) in the application's {@link MeterRegistry}, when it has
 * one and {@code rpc-micrometer} is on the class path: with Actuator they appear under {@code
 * /actuator/metrics} and, with a Prometheus registry, in its scrape.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple"
        + ".SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MicrometerMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
public class MinirpcMetricsAutoConfiguration {
  /** For Spring: the auto-configuration is found by its imports file. */
  public MinirpcMetricsAutoConfiguration() {}

  /**
   * Registers the server's meters.
   *
   * @param registry the application's registry
   * @return a customizer adding the observer to the server's builder
   */
  @Bean
  @ConditionalOnMissingBean(name = "minirpcServerMetrics")
  public RpcServerCustomizer minirpcServerMetrics(MeterRegistry registry) {
    return builder -> builder.observer(MicrometerMetrics.server(registry));
  }

  /**
   * Registers the client's meters.
   *
   * @param registry the application's registry
   * @return a customizer adding the observer to the client's builder
   */
  @Bean
  @ConditionalOnMissingBean(name = "minirpcClientMetrics")
  public RpcClientCustomizer minirpcClientMetrics(MeterRegistry registry) {
    return builder -> builder.observer(MicrometerMetrics.client(registry));
  }
}
