package io.minirpc.interceptors;

import io.minirpc.RpcException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a call ended, as the observers and the shipped interceptors classify it. */
final class Outcome {
  private Outcome() {}

  /** The code of a failure: an RpcException's own, APPLICATION for anything else. */
  static RpcException.Code codeOf(Throwable error) {
    Throwable t = unwrap(error);
    return t instanceof RpcException ? ((RpcException) t).code() : RpcException.Code.APPLICATION;
  }

  /** The exception inside CompletionException and ExecutionException wrappers. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
