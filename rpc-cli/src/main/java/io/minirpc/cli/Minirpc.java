package io.minirpc.cli;

import io.minirpc.RpcException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code minirpc}: lists, describes and calls the services of a minirpc server from a shell,
 * through the JSON codec and the server's listing service, without the Java interfaces; and asks
 * its health service.
 *
 * <pre>
 * java -jar rpc-cli/target/minirpc-cli.jar list localhost:4242
 * java -jar rpc-cli/target/minirpc-cli.jar call localhost:4242 Calculator.add '[2, 3]'
 * </pre>
 */
@Command(name = "minirpc", mixinStandardHelpOptions = true, version = "minirpc 0.1.0-SNAPSHOT",
    description = "Lists, describes and calls the services of a minirpc server, and asks its"
        + " health, without the Java interfaces.",
    subcommands = {ListCommand.class, DescribeCommand.class, CallCommand.class,
        HealthCommand.class},
    footerHeading = "%nExit status:%n",
    footer = {
        "  0  done (health: SERVING)",
        "  1  the call failed: the server or the method answered with an error,",
        "     whose code is printed",
        "  2  usage: a bad option, or arguments that are not valid JSON or do not",
        "     match the method's schema (nothing was sent)",
        "  3  UNAVAILABLE: the server cannot be reached, or went away",
        "  4  NOT_FOUND: no such service or method, or the server does not serve",
        "     its listing (minirpc.server.listing=true)",
        "  5  health: the status is NOT_SERVING or UNKNOWN",
        "  6  UNAUTHENTICATED or PERMISSION_DENIED: send a credential with -H"})
public final class Minirpc implements Runnable {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNAVAILABLE = 3;
  static final int NOT_FOUND = 4;
  static final int NOT_SERVING = 5;
  static final int DENIED = 6;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns the exit status, without exiting. */
  static int run(String... args) {
    // The commands report every failure themselves, in their own words; minirpc's log lines
    // (such as a proxy's mismatch warning) would only repeat them.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }
    CommandLine cli = new CommandLine(new Minirpc());
    // Messages quote what the server sent (names, its errors): escaped before they are printed.
    // Their hints name this tool's flags, not the settings the flags set (Hints).
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter err = line.getErr();
      if (e instanceof Failure) {
        err.println("minirpc: " + Terminal.safe(Hints.inFlags(e.getMessage())));
        err.flush();
        return ((Failure) e).exitCode;
      }
      if (e instanceof RpcException) {
        RpcException r = (RpcException) e;
        err.println("minirpc: " + r.code() + ": " + Terminal.safe(Hints.inFlags(r.getMessage())));
        err.flush();
        return exitCode(r.code());
      }
      err.println("minirpc: " + Terminal.safe(e.toString()));
      err.flush();
      return FAILED;
    });
    return cli.execute(args);
  }

  /** The exit status for a call that ended with {@code code}. */
  static int exitCode(RpcException.Code code) {
    switch (code) {
      case UNAVAILABLE:
        return UNAVAILABLE;
      case NOT_FOUND:
        return NOT_FOUND;
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
        return DENIED;
      default:
        return FAILED;
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Name a command: list, describe, call or health (minirpc --help says more)");
  }
}
