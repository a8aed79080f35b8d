package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * What a connection's {@link ConnectionCalls} asks of one of its calls: to run on a worker, to
 * count its answer while it runs, to be undone before it starts, and to finish once its answer is
 * written (the write's listener). {@code InboundCall} is the one kind; the connection knows its
 * calls only through this, and the call uses its connection, so neither file uses the other both
 * ways.
 */
interface QueuedCall extends Runnable, ChannelFutureListener {
  /** The method called: how long its calls take a worker, and what they answer. */
  ServerMethod method();

  /** The size this call's answer is expected to have: its method's recent answers'. */
  long answerEstimate();

  /** The call starts: its connection counts its expected answer until the answer is encoded. */
  void expectAnswer(long bytes);

  /** The server shuts down: answer {@code code} now and stop the implementation. */
  void abort(RpcException.Code code, String message);

  /** The executor dropped this call unrun (the server stopped): free what it holds. */
  void discard();

  /**
   * Whether a CANCEL now would undo this call before it cost the server anything but its reading:
   * it has not started and arrived less than {@code windowNanos} ago.
   */
  boolean unstartedSince(long now, long windowNanos);

  /** The client gave up, or went away: stop the implementation if it runs, answer nothing. */
  void cancel();

  /** The call's streams, which its frames and writability reach; null for most calls. */
  default ServerStreams streams() {
    return null;
  }

  /** The answer is written, or could not be ({@code future} null when the channel is gone). */
  @Override
  void operationComplete(ChannelFuture future);
}
