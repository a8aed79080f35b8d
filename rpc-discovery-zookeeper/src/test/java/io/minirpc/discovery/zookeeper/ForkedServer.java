package io.minirpc.discovery.zookeeper;

import io.minirpc.RpcServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minirpc server registered in ZooKeeper from a JVM of its own, so that a test can kill it
 * (SIGKILL: its session is never closed) or freeze it (SIGSTOP: its session times out while it
 * sleeps). Prints {@code PORT n} once registered; exits when its standard input closes, so it
 * never outlives the test JVM.
 */
final class ForkedServer implements AutoCloseable {
  private final Process process;
  final int port;

  private ForkedServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a server registered in {@code registry}, and waits until it is. */
  static ForkedServer start(String registry, File log) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + "/bin/java");
    Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp", System.getProperty("java.class.path"), ForkedServer.class.getName(), registry))
        .redirectError(ProcessBuilder.Redirect.to(log))
        .start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("the server process did not start (" + line + "); see " + log);
    }
    return new ForkedServer(p, Integer.parseInt(line.substring(5).trim()));
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL: no deregistration, no closed session; the node stays until the session times out. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP or SIGCONT. */
  void signal(String name) throws IOException, InterruptedException {
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
    RpcServer server = Zk.greeter(args[0]).deregisterDelay(Duration.ZERO).build().start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // live until the test closes our standard input, or kills us
    }
    server.close();
  }
}
