package io.minirpc.spring.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether the application runs the Netty that minirpc needs. minirpc runs on Netty 4.2 (its I/O
 * handler model); Spring Boot 3's dependency management pins Netty 4.1 for the whole application,
 * and wins over the version rpc-core asks for, so the build succeeds and start-up fails deep in
 * Netty. The auto-configuration checks first, and {@link IncompatibleNettyFailureAnalyzer} says
 * what to add.
 */
final class NettyVersion {
  /** A class of Netty 4.2 that minirpc's transport is built on. */
  static final String PROBE = "io.netty.channel.IoHandlerFactory";
  /** The version minirpc is built and tested with, such as {@code 4.2.18.Final}. */
  static final String REQUIRED = required();

  private NettyVersion() {}

  /** Throws {@link IncompatibleNettyException} unless Netty 4.2's classes are there. */
  static void requireCompatible() {
    if (!compatible()) {
      String found = found();
      throw new IncompatibleNettyException(found, description(found) + " " + action());
    }
  }

  static boolean compatible() {
    try {
      Class.forName(PROBE, false, NettyVersion.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The Netty artifacts on the class path by version, as their own version files say: {@code
   * 4.1.128.Final (netty-buffer, netty-common, ...)}.
   */
  static String found() {
    Map<String, Set<String>> byVersion = new TreeMap<>();
    io.netty.util.Version.identify(NettyVersion.class.getClassLoader()).forEach((artifact, v) ->
        byVersion.computeIfAbsent(v.artifactVersion(), k -> new TreeSet<>()).add(artifact));
    if (byVersion.isEmpty()) {
      return "a Netty without its version files";
    }
    StringBuilder out = new StringBuilder();
    byVersion.forEach((version, artifacts) -> out.append(out.length() == 0 ? "" : "; ")
        .append(version).append(" (").append(String.join(", ", artifacts)).append(')'));
    return out.toString();
  }

  private static String required() {
    Properties p = new Properties();
    try (InputStream in = NettyVersion.class.getResourceAsStream("netty.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("netty.version", "4.2");
  }

  /** What is wrong, for Spring Boot's failure analysis and the exception. */
  static String description(String found) {
    return "minirpc runs on Netty 4.2 (built with " + REQUIRED + "), but this"
        + " application has Netty " + found + ". Spring Boot 3's dependency management pins"
        + " Netty 4.1, and it wins over the version rpc-core asks for.";
  }

  /** What to do about it. */
  static String action() {
    return "Use Netty " + REQUIRED + ": with spring-boot-starter-parent, add"
        + " <netty.version>" + REQUIRED + "</netty.version> to the <properties> of"
        + " your pom; with the spring-boot-dependencies BOM, import io.netty:netty-bom:"
        + REQUIRED + " before it in <dependencyManagement>; with Gradle's Spring"
        + " Boot plugin, set ext['netty.version'] = '" + REQUIRED + "'. An"
        + " application on Reactor Netty (WebFlux) needs a Reactor Netty built for Netty 4.2.";
  }
}
