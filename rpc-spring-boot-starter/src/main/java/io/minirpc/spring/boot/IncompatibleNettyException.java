package io.minirpc.spring.boot;

/**
 * The application's class path has a Netty older than the one minirpc runs on. Its message says
 * what to add to the build; {@link IncompatibleNettyFailureAnalyzer} reports it as Spring Boot's
 * "APPLICATION FAILED TO START" description and action.
 */
final class IncompatibleNettyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The Netty versions on the class path, as {@link NettyVersion#found} says. */
  private final String found;

  /** @param found the Netty versions on the class path, as {@link NettyVersion#found} says */
  IncompatibleNettyException(String found) {
    super(description(found) + " " + action());
    this.found = found;
  }

  String found() {
    return found;
  }

  static String description(String found) {
    return "minirpc runs on Netty 4.2 (built with " + NettyVersion.REQUIRED + "), but this"
        + " application has Netty " + found + ". Spring Boot 3's dependency management pins"
        + " Netty 4.1, and it wins over the version rpc-core asks for.";
  }

  static String action() {
    return "Use Netty " + NettyVersion.REQUIRED + ": with spring-boot-starter-parent, add"
        + " <netty.version>" + NettyVersion.REQUIRED + "</netty.version> to the <properties> of"
        + " your pom; with the spring-boot-dependencies BOM, import io.netty:netty-bom:"
        + NettyVersion.REQUIRED + " before it in <dependencyManagement>; with Gradle's Spring"
        + " Boot plugin, set ext['netty.version'] = '" + NettyVersion.REQUIRED + "'. An"
        + " application on Reactor Netty (WebFlux) needs a Reactor Netty built for Netty 4.2.";
  }
}
