package io.minirpc.internal.client;

import io.minirpc.RpcException;

/** How an attempt of a call failed, which decides whether the call may go again, and where. */
final class AttemptFailure {
  /** It never left this client. */
  static final int UNRUN_LOCAL = 0;
  /** The server refused it before dispatch (the NOT_RUN flag): it did not run. */
  static final int UNRUN_REMOTE = 1;
  /** It may have run: the connection was lost after it was sent, or the server aborted it. */
  static final int MAY_HAVE_RUN = 2;

  private AttemptFailure() {}

  /**
   * Whether an attempt's error is the server's answer, not a failure to get one: a hedged call
   * ends with the first answer, and waits for the other attempt after a failure to get one.
   */
  static boolean isAnswer(Throwable error) {
    if (!(error instanceof RpcException)) {
      return true; // the implementation's own exception
    }
    switch (((RpcException) error).code()) {
      case UNAVAILABLE:
      case TIMEOUT:
      case RESOURCE_EXHAUSTED:
      case CANCELLED:
        return false;
      default:
        return true;
    }
  }
}
