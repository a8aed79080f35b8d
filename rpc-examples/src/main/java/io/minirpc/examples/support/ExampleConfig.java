package io.minirpc.examples.support;

import io.minirpc.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Loads an example's properties: the file next to the example class (or a path given on the
 * command line), then every {@code -Dminirpc.*} system property on top, so {@code
 * -Dminirpc.codec=kryo} swaps the codec without touching the file.
 */
public final class ExampleConfig {
  private ExampleConfig() {}

  /**
   * @param anchor the example class whose package holds the file
   * @param name {@code server.properties} or {@code client.properties}
   * @param args the command line; a first argument is read as a path to use instead
   */
  public static Properties load(Class<?> anchor, String name, String[] args) throws IOException {
    Properties p = new Properties();
    if (args.length > 0) {
      try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
        p.load(r);
      }
    } else {
      try (InputStream in = anchor.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException(name + " not found next to " + anchor.getName());
        }
        p.load(in);
      }
    }
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("minirpc.")) {
        p.setProperty(key, System.getProperty(key));
      }
    }
    return p;
  }

  /** Prints where {@code server} listens, then waits until Ctrl-C closes it gracefully. */
  public static void serveUntilStopped(String what, RpcServer server) throws InterruptedException {
    System.out.println(what + " listening on port " + server.port() + "; press Ctrl-C to stop");
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
