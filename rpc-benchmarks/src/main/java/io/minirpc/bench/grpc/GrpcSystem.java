package io.minirpc.bench.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.minirpc.bench.grpc.proto.BoolReply;
import io.minirpc.bench.grpc.proto.EmailRequest;
import io.minirpc.bench.grpc.proto.IdRequest;
import io.minirpc.bench.grpc.proto.Page;
import io.minirpc.bench.grpc.proto.PageRequest;
import io.minirpc.bench.grpc.proto.User;
import io.minirpc.bench.grpc.proto.UserServiceGrpc;
import io.minirpc.bench.model.Users;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java on its Netty transport, unary calls, protobuf messages generated at build time. Two
 * honest modes: its default (handlers and callbacks on executors) and {@code directExecutor()}
 * on both sides (on the I/O threads).
 */
public final class GrpcSystem {
  private GrpcSystem() {}

  /** The same user as {@link Users#user}, as a protobuf message. */
  public static User user(long id) {
    io.minirpc.bench.model.User u = Users.user(id);
    return User.newBuilder()
        .setId(u.id())
        .setName(u.name())
        .setSex(u.sex())
        .setBirthdayEpochDay(u.birthday().toEpochDay())
        .setEmail(u.email())
        .setMobile(u.mobile())
        .setAddress(u.address())
        .setIcon(u.icon())
        .addAllRights(u.rights())
        .setCreateTimeMillis(u.createTime().toInstant(ZoneOffset.UTC).toEpochMilli())
        .setUpdateTimeMillis(u.updateTime().toInstant(ZoneOffset.UTC).toEpochMilli())
        .setStatus(u.status())
        .build();
  }

  static Page page(int pageNo) {
    Page.Builder b = Page.newBuilder().setPageNo(pageNo).setTotal(1000);
    for (int i = 0; i < Users.PAGE_SIZE; i++) {
      b.addResult(user((long) pageNo * Users.PAGE_SIZE + i));
    }
    return b.build();
  }

  /** The implementation: builds every answer afresh, like the minirpc one. */
  static final class Service extends UserServiceGrpc.UserServiceImplBase {
    @Override
    public void existUser(EmailRequest request, StreamObserver<BoolReply> out) {
      String email = request.getEmail();
      out.onNext(BoolReply.newBuilder()
          .setValue(!email.isEmpty() && email.charAt(0) != 'z').build());
      out.onCompleted();
    }

    @Override
    public void createUser(User request, StreamObserver<BoolReply> out) {
      out.onNext(BoolReply.newBuilder().setValue(true).build());
      out.onCompleted();
    }

    @Override
    public void getUser(IdRequest request, StreamObserver<User> out) {
      out.onNext(user(request.getId()));
      out.onCompleted();
    }

    @Override
    public void listUser(PageRequest request, StreamObserver<Page> out) {
      out.onNext(page(request.getPageNo()));
      out.onCompleted();
    }
  }

  /** Starts a server; {@code direct} runs handlers on the I/O threads. */
  public static Server server(int port, boolean direct) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(port))
        .addService(new Service());
    if (direct) {
      b.directExecutor();
    }
    return b.build().start();
  }

  /** A channel to the server; {@code direct} runs callbacks on the I/O thread. */
  public static ManagedChannel channel(String host, int port, boolean direct) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port).usePlaintext();
    if (direct) {
      b.directExecutor();
    }
    return b.build();
  }

  /** Shuts a channel down, waiting a little. */
  public static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
