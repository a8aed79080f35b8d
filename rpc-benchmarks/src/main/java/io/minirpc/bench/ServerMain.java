package io.minirpc.bench;

import io.grpc.Server;
import io.minirpc.bench.grpc.GrpcSystem;
import io.minirpc.bench.netty.RawNetty;
import java.io.IOException;

/**
 * A benchmark server in a JVM of its own. Arguments: the system ({@code minirpc}, {@code minirpc-direct}, {@code
 * minirpc-tls}, {@code grpc-default}, {@code grpc-direct}, {@code netty}) and, for {@code netty}, the response size.
 * Prints {@code PORT n} when it listens and stops when its standard input closes.
 */
public final class ServerMain {
  private ServerMain() {}

  static void announce(int port) {
    System.out.println("PORT " + port);
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    String system = args[0];
    AutoCloseable server;
    switch (system) {
      case "minirpc":
      case "minirpc-direct":
      case "minirpc-tls":
        server = MinirpcSystem.server(0, system.equals("minirpc-direct"),
            system.equals("minirpc-tls"));
        break;
      case "grpc-default":
      case "grpc-direct":
        Server grpc = GrpcSystem.server(0, system.equals("grpc-direct"));
        announce(grpc.getPort());
        server = () -> grpc.shutdownNow().awaitTermination();
        break;
      case "netty":
        RawNetty.Server netty = RawNetty.server(0, Integer.parseInt(args[1]));
        announce(netty.port());
        server = netty;
        break;
      default:
        throw new IllegalArgumentException("unknown system " + system);
    }
    waitForStdinToClose();
    server.close();
  }

  private static void waitForStdinToClose() throws IOException {
    while (System.in.read() >= 0) {
      // the coordinator holds our stdin open while it needs us
    }
  }
}
