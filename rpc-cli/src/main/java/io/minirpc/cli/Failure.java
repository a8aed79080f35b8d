package io.minirpc.cli;

/** Ends a command: the message goes to stderr and the process exits with the code. */
final class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int exitCode;

  Failure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }
}
