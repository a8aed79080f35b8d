package io.minirpc.spring.boot;

/**
 * The application's class path has a Netty older than the one minirpc runs on. Its message says
 * what to add to the build; {@link IncompatibleNettyFailureAnalyzer} reports it as Spring Boot's
 * "APPLICATION FAILED TO START" description and action.
 */
final class IncompatibleNettyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The Netty versions on the class path, as {@code NettyVersion.found()} says. */
  private final String found;

  /**
   * @param found the Netty versions on the class path, as {@code NettyVersion.found()} says
   * @param message what is wrong and what to do
   */
  IncompatibleNettyException(String found, String message) {
    super(message);
    this.found = found;
  }

  String found() {
    return found;
  }
}
