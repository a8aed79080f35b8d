package io.minirpc.bench.model;

import java.util.concurrent.CompletableFuture;

/** The benchmark's service, called asynchronously: the same methods, answering with futures. */
public interface UserServiceAsync {
  CompletableFuture<Boolean> existUser(String email);

  CompletableFuture<Boolean> createUser(User user);

  CompletableFuture<User> getUser(long id);

  CompletableFuture<Page<User>> listUser(int pageNo);
}
