package io.minirpc.it;

import io.minirpc.RpcServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minirpc server in a JVM of its own, so tests can kill it with SIGKILL. Prints {@code PORT n}
 * once it listens; exits when its standard input closes, so it never outlives the test JVM.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a server JVM on {@code port} (0 for any) and waits until it listens. */
  static ServerProcess start(int port) throws IOException {
    return start(port, "-Xmx256m");
  }

  /**
   * Starts a server JVM with extra JVM options, such as {@code -Xmx64m} or {@code
   * -Dminirpc.server.threads=2} (the server reads {@code minirpc.*} system properties).
   */
  static ServerProcess start(int port, String... jvmOptions) throws IOException {
    return start(ProcessBuilder.Redirect.INHERIT, port, jvmOptions);
  }

  /** Starts a server JVM whose standard error (its log) goes to {@code stderr}. */
  static ServerProcess startLoggingTo(java.io.File stderr, int port, String... jvmOptions)
      throws IOException {
    return start(ProcessBuilder.Redirect.to(stderr), port, jvmOptions);
  }

  private static ServerProcess start(ProcessBuilder.Redirect stderr, int port,
      String... jvmOptions) throws IOException {
    String javaBin = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        ServerProcess.class.getName(), Integer.toString(port)));
    Process p = new ProcessBuilder(command)
        .redirectError(stderr)
        .start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("server process did not start: " + line);
    }
    return new ServerProcess(p, Integer.parseInt(line.substring(5).trim()));
  }

  int port() {
    return port;
  }

  /** The server's process id. */
  long pid() {
    return process.pid();
  }

  /**
   * Closes the server's standard input, so it calls {@code RpcServer.close()} and exits; returns
   * whether it did within {@code timeout}.
   */
  boolean stop(java.time.Duration timeout) throws IOException, InterruptedException {
    process.getOutputStream().close();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no shutdown hook, no FIN from a graceful close, nothing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process freezes with its sockets open, like a hung or partitioned host. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: the frozen process runs on. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  public static void main(String[] args) throws IOException {
    java.util.concurrent.atomic.AtomicReference<RpcServer> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    RpcServer server = RpcServer.builder()
        .configure(System.getProperties())
        .host("127.0.0.1")
        .port(Integer.parseInt(args[0]))
        .register(Calculator.class, new CalculatorImpl())
        .register(SlowService.class, new SlowServiceImpl())
        .register(ServerInfo.class, ServerInfo.local(self::get))
        .register(TypesService.class, TypesService.echo())
        .register(Feed.class, new FeedImpl())
        .register(Uplink.class, new UplinkImpl())
        .register(Whoami.class, Whoami.named("pid-" + ProcessHandle.current().pid(),
            new java.util.concurrent.atomic.AtomicInteger()))
        .build();
    self.set(server);
    server.start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    // Live until the parent closes our stdin (or kills us).
    while (System.in.read() >= 0) {
      // keep reading
    }
    server.close();
  }
}
