package io.minirpc.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.Streams;
import io.minirpc.bench.grpc.GrpcSystem;
import io.minirpc.bench.grpc.proto.CountReply;
import io.minirpc.bench.grpc.proto.User;
import io.minirpc.bench.grpc.proto.UserStreamGrpc;
import io.minirpc.bench.model.UserStream;
import io.minirpc.bench.model.Users;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * Client streaming for {@link StreamCompare} ({@code --direction=up}): the client streams the
 * same users to the server, which counts them and answers with the count. Both honour flow
 * control: minirpc's client pulls its publisher as the server grants credit; gRPC's client writes
 * while {@code isReady()} and resumes in its {@code onReadyHandler}, its server takes messages
 * through the stub's automatic flow control.
 */
final class StreamUploads {
  private StreamUploads() {}

  static StreamCompare.System_ start(String name) throws Exception {
    if (name.startsWith("minirpc-")) {
      return minirpc(name.substring("minirpc-".length()));
    }
    if (name.equals("grpc") || name.equals("grpc-direct")) {
      return grpc(name.equals("grpc-direct"));
    }
    throw new IllegalArgumentException("unknown system " + name);
  }

  private static StreamCompare.System_ minirpc(String codec) {
    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .register(UserStream.class, new StreamCompare.Served()).build().start();
    RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(30)).build();
    UserStream users = client.proxy(UserStream.class);
    return new StreamCompare.System_() {
      @Override
      public void stream(long n) throws Exception {
        long stored = users.store(Streams.fromStream(LongStream.range(0, n)
            .mapToObj(Users::user))).get(10, TimeUnit.MINUTES);
        check(stored, n);
      }

      @Override
      public void close() {
        client.close();
        server.close();
      }
    };
  }

  /** gRPC's server: counts what comes, as the stub's flow control lets it in. */
  static final class GrpcStored extends StreamCompare.GrpcServed {
    @Override
    public StreamObserver<User> store(StreamObserver<CountReply> reply) {
      return new StreamObserver<>() {
        private long n;

        @Override
        public void onNext(User u) {
          n++;
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          reply.onNext(CountReply.newBuilder().setCount(n).build());
          reply.onCompleted();
        }
      };
    }
  }

  private static StreamCompare.System_ grpc(boolean direct) throws Exception {
    io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder b =
        io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
            .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
            .addService(new GrpcStored());
    if (direct) {
      b.directExecutor();
    }
    Server server = b.build().start();
    ManagedChannel channel = GrpcSystem.channel("127.0.0.1", server.getPort(), direct);
    UserStreamGrpc.UserStreamStub stub = UserStreamGrpc.newStub(channel);
    return new StreamCompare.System_() {
      @Override
      public void stream(long n) throws Exception {
        CompletableFuture<Long> stored = new CompletableFuture<>();
        stub.store(new ClientResponseObserver<User, CountReply>() {
          private ClientCallStreamObserver<User> out;
          private long next;

          @Override
          public void beforeStart(ClientCallStreamObserver<User> requests) {
            out = requests;
            requests.setOnReadyHandler(() -> {
              while (out.isReady() && next < n) {
                out.onNext(GrpcSystem.user(next++));
              }
              if (next == n) {
                next++;
                out.onCompleted();
              }
            });
          }

          @Override
          public void onNext(CountReply c) {
            stored.complete(c.getCount());
          }

          @Override
          public void onError(Throwable t) {
            stored.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
        check(stored.get(10, TimeUnit.MINUTES), n);
      }

      @Override
      public void close() throws Exception {
        GrpcSystem.close(channel);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    };
  }

  private static void check(long stored, long n) {
    if (stored != n) {
      throw new IllegalStateException("the server stored " + stored + " users of " + n);
    }
  }
}
