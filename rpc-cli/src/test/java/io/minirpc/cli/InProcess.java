package io.minirpc.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Runs {@code minirpc} in the test's JVM, as {@code main} runs it but without exiting: standard
 * input empty, standard output and error captured as bytes, the exit status returned. A JVM per
 * command cost a second or more each; {@link CliJarIT} still runs the built jar as a process, and
 * {@code CliTest}'s health watch runs {@code main} in a JVM of its own.
 *
 * <p>System.out and System.err are the JVM's, so runs take turns, and while one runs, what the
 * test's own servers print lands in its output too. They print nothing at the level the command
 * line sets for itself (error), which this module's tests run at.
 */
final class InProcess {
  private InProcess() {}

  record Ran(int exit, byte[] out, byte[] err) {}

  static synchronized Ran run(String... args) {
    InputStream in = System.in;
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setIn(new ByteArrayInputStream(new byte[0]));
    System.setOut(new PrintStream(stdout, true, UTF_8));
    System.setErr(new PrintStream(stderr, true, UTF_8));
    int exit;
    try {
      exit = Minirpc.run(args);
    } finally {
      System.out.flush();
      System.err.flush();
      System.setIn(in);
      System.setOut(out);
      System.setErr(err);
    }
    return new Ran(exit, stdout.toByteArray(), stderr.toByteArray());
  }
}
