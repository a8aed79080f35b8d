package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * The large answers of one connection, decoded on a decoding thread and measured against the
 * client's memory budget ({@link ResponseDecoding}), so that the event loop reads on for the other
 * connections. The connection is not read meanwhile, so its server cannot pile answers up faster
 * than they are decoded. Event loop only, but for the decoding itself.
 */
final class OffLoopAnswers {
  private final Channel channel;
  private final ResponseDecoding decoding;
  private final ResponseReader.Source source;
  /** Answers being decoded now. */
  private int inProgress;

  OffLoopAnswers(Channel channel, ResponseDecoding decoding, ResponseReader.Source source) {
    this.channel = channel;
    this.decoding = decoding;
    this.source = source;
  }

  /** Decodes {@code frame}, an answer of {@code size} bytes decoded, and ends {@code call}. */
  void decode(Attempt call, Frame frame, int size, String hint) {
    if (inProgress++ == 0) {
      channel.config().setAutoRead(false);
    }
    try {
      decoding.execute(new ResponseDecoding.Task() {
        @Override
        public void run() {
          try {
            ResponseReader.complete(call, frame, hint, decoding.measure(size), source);
          } finally {
            try {
              channel.eventLoop().execute(OffLoopAnswers.this::decoded);
            } catch (RejectedExecutionException e) {
              // The client is closing; so is the channel.
            }
          }
        }

        @Override
        public void discard() {
          frame.release();
          call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
        }
      });
    } catch (RejectedExecutionException e) {
      frame.release();
      decoded();
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    }
  }

  private void decoded() {
    if (--inProgress == 0 && channel.isActive()) {
      channel.config().setAutoRead(true);
    }
  }
}
