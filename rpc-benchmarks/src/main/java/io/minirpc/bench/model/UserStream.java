package io.minirpc.bench.model;

import java.util.concurrent.Flow;

/** The streaming benchmark's service: the same users as {@link UserService#getUser}, streamed. */
public interface UserStream {
  /** Users 0 to {@code count} - 1, each built afresh as the client's credit allows. */
  Flow.Publisher<User> users(long count);

  /** How many users the client streamed: each read as it comes, none kept. */
  java.util.concurrent.CompletableFuture<Long> store(Flow.Publisher<User> users);
}
