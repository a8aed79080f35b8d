package io.minirpc.spring.boot;

import java.util.function.BooleanSupplier;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a start-up that failed for want of Netty 4.2 into Spring Boot's report of what happened
 * and what to do: the auto-configuration's own check ({@link IncompatibleNettyException}), or a
 * Netty class missing where code of the application's reached minirpc first ({@code
 * NoClassDefFoundError: io/netty/channel/epoll/EpollIoHandler}) while Netty is older than 4.2.
 * Registered in {@code META-INF/spring.factories}.
 */
public final class IncompatibleNettyFailureAnalyzer implements FailureAnalyzer {
  private final BooleanSupplier compatible;

  /** For Spring, which finds it in {@code META-INF/spring.factories}. */
  public IncompatibleNettyFailureAnalyzer() {
    this(NettyVersion::compatible);
  }

  IncompatibleNettyFailureAnalyzer(BooleanSupplier compatible) {
    this.compatible = compatible;
  }

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IncompatibleNettyException e) {
        return analysis(e.found(), e);
      }
      if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException)
          && String.valueOf(t.getMessage()).replace('/', '.').contains("io.netty.")
          && !compatible.getAsBoolean()) {
        return analysis(NettyVersion.found(), t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static FailureAnalysis analysis(String found, Throwable cause) {
    return new FailureAnalysis(NettyVersion.description(found),
        NettyVersion.action(), cause);
  }
}
