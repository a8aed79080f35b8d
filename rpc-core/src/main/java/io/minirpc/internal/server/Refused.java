package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.metrics.Refusal;

/** A refusal before a call runs that says which limit made it, for the server's observer. */
final class Refused extends RpcException {
  private final transient Refusal reason;

  Refused(Refusal reason, Code code, String message) {
    super(code, message);
    this.reason = reason;
  }

  Refusal reason() {
    return reason;
  }
}
