package io.minirpc.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.minirpc.bench.grpc.GrpcSystem;
import io.minirpc.bench.grpc.proto.EmailRequest;
import io.minirpc.bench.grpc.proto.IdRequest;
import io.minirpc.bench.grpc.proto.PageRequest;
import io.minirpc.bench.grpc.proto.UserServiceGrpc;

/** Calls gRPC with its async stub (callbacks) or its blocking stub. */
final class GrpcDriver implements Driver {
  private final ManagedChannel channel;
  private final UserServiceGrpc.UserServiceStub async;
  private final UserServiceGrpc.UserServiceBlockingStub blocking;

  GrpcDriver(String host, int port, boolean direct) {
    this.channel = GrpcSystem.channel(host, port, direct);
    this.async = UserServiceGrpc.newStub(channel);
    this.blocking = UserServiceGrpc.newBlockingStub(channel);
  }

  private static <T> StreamObserver<T> observer(Callback callback) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable t) {
        callback.done(t);
      }

      @Override
      public void onCompleted() {
        callback.done(null);
      }
    };
  }

  @Override
  public void callAsync(Workload method, long seq, Callback callback) {
    switch (method) {
      case EXIST_USER:
        async.existUser(EmailRequest.newBuilder().setEmail(seq + "@example.com").build(),
            observer(callback));
        break;
      case CREATE_USER:
        async.createUser(GrpcSystem.user(seq), observer(callback));
        break;
      case GET_USER:
        async.getUser(IdRequest.newBuilder().setId(seq).build(), observer(callback));
        break;
      default:
        async.listUser(PageRequest.newBuilder().setPageNo((int) (seq & 0xFFFF)).build(),
            observer(callback));
    }
  }

  @Override
  public void callBlocking(Workload method, long seq) {
    switch (method) {
      case EXIST_USER:
        blocking.existUser(EmailRequest.newBuilder().setEmail(seq + "@example.com").build());
        break;
      case CREATE_USER:
        blocking.createUser(GrpcSystem.user(seq));
        break;
      case GET_USER:
        blocking.getUser(IdRequest.newBuilder().setId(seq).build());
        break;
      default:
        blocking.listUser(PageRequest.newBuilder().setPageNo((int) (seq & 0xFFFF)).build());
    }
  }

  @Override
  public void close() throws InterruptedException {
    GrpcSystem.close(channel);
  }
}
