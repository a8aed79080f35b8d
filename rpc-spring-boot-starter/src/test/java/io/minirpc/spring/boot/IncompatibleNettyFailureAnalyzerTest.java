package io.minirpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * A start-up that fails for want of Netty 4.2 is reported as what happened and what to add to the
 * build. The real case, an application whose Spring Boot pins Netty 4.1, is built and started by
 * rpc-outside-it's spring-app.
 */
class IncompatibleNettyFailureAnalyzerTest {
  private static final String FOUND = "4.1.128.Final (netty-buffer, netty-common, netty-transport)";

  @Test
  void theCheckOfTheAutoConfigurationIsReportedWithTheVersionsFoundAndTheFix() {
    FailureAnalysis a = new IncompatibleNettyFailureAnalyzer(() -> false).analyze(
        new BeanCreationException("minirpcAutoConfiguration", new IncompatibleNettyException(
            FOUND, "Netty 4.2 is needed")));
    assertTrue(a.getDescription().startsWith("minirpc runs on Netty 4.2 (built with "
        + NettyVersion.REQUIRED + "), but this application has Netty " + FOUND + "."),
        a.getDescription());
    assertTrue(a.getAction().contains("<netty.version>" + NettyVersion.REQUIRED
        + "</netty.version>") && a.getAction().contains("io.netty:netty-bom:"
        + NettyVersion.REQUIRED), a.getAction());
  }

  @Test
  void aMissingNettyClassIsReportedOnlyWhileNettyIsOlderThan42() {
    Throwable failure = new BeanCreationException("rpcClient",
        new NoClassDefFoundError("io/netty/channel/epoll/EpollIoHandler"));
    FailureAnalysis a = new IncompatibleNettyFailureAnalyzer(() -> false).analyze(failure);
    assertTrue(a.getDescription().contains("Spring Boot 3's dependency management pins Netty"
        + " 4.1"), a.getDescription());
    assertNull(new IncompatibleNettyFailureAnalyzer(() -> true).analyze(failure),
        "with Netty 4.2, a missing Netty class is some other problem");
    assertNull(new IncompatibleNettyFailureAnalyzer(() -> false).analyze(
        new NoClassDefFoundError("com/example/Missing")), "not Netty's");
  }

  @Test
  void theBuildWritesTheNettyVersionIntoTheAdviceAndThisClassPathPassesTheCheck() {
    assertTrue(NettyVersion.REQUIRED.matches("4\\.2\\.\\d+\\.Final"), NettyVersion.REQUIRED);
    assertTrue(NettyVersion.compatible());
    NettyVersion.requireCompatible();
    assertTrue(NettyVersion.found().startsWith(NettyVersion.REQUIRED + " ("),
        NettyVersion.found());
  }

  @Test
  void springBootFindsTheAnalyzer() {
    // Loaded from spring.factories as Spring Boot loads them; the analyzers that need a starting
    // application's bean factory cannot be made here, and are left out.
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
        .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none(),
            SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> { }));
    assertEquals(1, analyzers.stream()
        .filter(a -> a instanceof IncompatibleNettyFailureAnalyzer).count(), analyzers::toString);
  }
}
