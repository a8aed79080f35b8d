package io.minirpc.internal.client;

import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.transport.ItemReceiver;
import io.netty.channel.Channel;

/**
 * The streams of one call, either way: the server's items it receives, the client's it sends;
 * either may be absent. A {@link PendingCall} hands them its frames and its end.
 */
final class CallStreams {
  /** Where a server stream's items go; null if the method streams not from the server. */
  private final ItemReceiver in;
  /** The client's stream of arguments; null if the method takes none. */
  private final OutboundStream out;

  CallStreams(ItemReceiver in, OutboundStream out) {
    this.in = in;
    this.out = out;
  }

  /** As this, with {@code receiver} for the server's items. */
  CallStreams receiving(ItemReceiver receiver) {
    return new CallStreams(receiver, out);
  }

  /** An ITEM for the call, which this takes; false if the call does not receive one. */
  boolean item(Frame frame) {
    if (in == null) {
      frame.release();
      return false;
    }
    return in.item(frame);
  }

  /** The request was written as call {@code seq} on {@code ch}; event loop. */
  void opened(Channel ch, long seq, boolean evolving, int maxFrameSize) {
    if (in != null) {
      in.opened(ch, seq); // grants its first credit
    }
    if (out != null) {
      out.opened(ch, seq, evolving, maxFrameSize);
    }
  }

  /** The server granted the client's stream more; false if the call has none. Event loop. */
  boolean credit(long items, long bytes) {
    if (out == null) {
      return false;
    }
    out.credit(items, bytes);
    return true;
  }

  /** The channel became writable again; event loop. */
  void writable() {
    if (out != null) {
      out.writable();
    }
  }

  /** Whether the call's streams began: it goes to no other server then. */
  boolean begun() {
    return in != null && in.received() || out != null && out.begun();
  }

  /**
   * The server wants no more of the client's stream (its method cancelled it), and the call goes
   * on: the stream stops as at the call's end. False if the call sends none. Event loop.
   */
  boolean stop() {
    if (out == null) {
      return false;
    }
    out.ended();
    return true;
  }

  /** The call ended: the client's stream stops. */
  void ended() {
    if (out != null) {
      out.ended();
    }
  }
}
