package io.minirpc.internal.client;

/**
 * Where a client stands with one server, with gRPC's names for a channel's states. Calls wait for
 * a connection only while {@code CONNECTING}, unless they wait for ready.
 */
enum ConnectivityState {
  /** No call yet, so no connection either. */
  IDLE,
  /** The first connection, or the first reconnection after a working one closed, is on its way. */
  CONNECTING,
  /** At least one connection takes calls. */
  READY,
  /** An attempt failed; attempts go on in the background, with backoff, until one succeeds. */
  TRANSIENT_FAILURE
}
