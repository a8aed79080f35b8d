package io.minirpc.bench;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.bench.model.UserService;
import io.minirpc.bench.model.UserServiceAsync;
import io.minirpc.bench.model.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** minirpc: server and driver. */
final class MinirpcSystem {
  /** System properties naming the PEM files of the TLS rows, set by {@link Compare}. */
  static final String TLS_CHAIN = "minirpc.bench.tls.chain";
  static final String TLS_KEY = "minirpc.bench.tls.key";
  static final String TLS_CA = "minirpc.bench.tls.ca";

  private MinirpcSystem() {}

  /**
   * A server speaking both codecs: with its defaults (calls on its worker pool), or with {@code
   * direct} calls on its I/O threads, like gRPC's directExecutor(); over TLS if {@code tls}.
   */
  static AutoCloseable server(int port, boolean direct, boolean tls) {
    Users users = new Users();
    RpcServer.Builder builder = RpcServer.builder();
    if (tls) {
      builder.tls(true).tlsCertificate(Path.of(System.getProperty(TLS_CHAIN)),
          Path.of(System.getProperty(TLS_KEY)));
    }
    RpcServer server = builder
        .port(port)
        .register(UserService.class, users)
        .register(UserServiceAsync.class, users.async())
        .gracePeriod(Duration.ofSeconds(1))
        .directExecutor(direct)
        .build()
        .start();
    ServerMain.announce(server.port());
    return server;
  }

  /**
   * @param fleet through discovery ({@code dns:///host:port}): the same one server, but every
   *     call goes through the fleet's balancer, to measure what balancing costs
   */
  static Driver client(String host, int port, String codec, boolean tls, boolean fleet) {
    RpcClient.Builder builder = RpcClient.builder();
    if (tls) {
      builder.tls(true).tlsTrustedCertificates(Path.of(System.getProperty(TLS_CA)));
    }
    if (fleet) {
      builder.address("dns:///" + host + ":" + port);
    } else {
      builder.address(host, port);
    }
    RpcClient client = builder.codec(codec)
        .timeout(Duration.ofSeconds(30)).build();
    UserService sync = client.proxy(UserService.class);
    UserServiceAsync async = client.proxy(UserServiceAsync.class);
    return new Driver() {
      @Override
      public void callAsync(Workload method, long seq, Callback callback) {
        CompletableFuture<?> f;
        switch (method) {
          case EXIST_USER:
            f = async.existUser(seq + "@example.com");
            break;
          case CREATE_USER:
            f = async.createUser(Users.user(seq));
            break;
          case GET_USER:
            f = async.getUser(seq);
            break;
          default:
            f = async.listUser((int) (seq & 0xFFFF));
        }
        f.whenComplete((v, e) -> callback.done(e));
      }

      @Override
      public void callBlocking(Workload method, long seq) {
        switch (method) {
          case EXIST_USER:
            sync.existUser(seq + "@example.com");
            break;
          case CREATE_USER:
            sync.createUser(Users.user(seq));
            break;
          case GET_USER:
            sync.getUser(seq);
            break;
          default:
            sync.listUser((int) (seq & 0xFFFF));
        }
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
