package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.transport.ItemSender;
import io.minirpc.internal.transport.SenderBudget;
import io.minirpc.internal.transport.StreamDelivery;
import io.minirpc.internal.transport.StreamMemory;
import io.netty.channel.Channel;
import java.util.concurrent.Flow;

/**
 * A client's stream of arguments: the {@code Flow.Publisher} a call was given, sent to the
 * server as ITEM frames within the credit the server grants, then ended by an END frame. The
 * publisher is subscribed at the server's first CREDIT, which says that the server takes the
 * stream (nothing of it goes before), and asked for items on the client's delivery threads,
 * never on the event loop. Until then the call may still go to another server (a refusal marked
 * NOT_RUN); once its publisher was subscribed, it is not sent again: its items cannot be taken
 * back.
 *
 * <p>The publisher failing ends the call with CANCELLED (the server is told to stop); the call
 * ending, for any reason, cancels the publisher.
 */
final class OutboundStream implements ItemSender.Owner, SenderBudget {
  /** Ends the call with an error: the publisher failed. */
  private final java.util.function.Consumer<Throwable> failCall;
  private final ClientMethod method;
  private final Flow.Publisher<?> publisher;
  private final StreamDelivery delivery;
  /** {@link StreamDelivery#memory()}, once it was needed. */
  private volatile StreamMemory memory;

  // Guarded by this.
  private ItemSender sender;
  private Channel channel;
  private long sequence;
  private boolean evolving;
  private int maxFrameSize;
  /** Whether the call ended: nothing more is sent. */
  private boolean over;

  OutboundStream(java.util.function.Consumer<Throwable> failCall, ClientMethod method,
      Flow.Publisher<?> publisher, StreamDelivery delivery) {
    this.failCall = failCall;
    this.method = method;
    this.publisher = publisher;
    this.delivery = delivery;
  }

  /**
   * The request was written as call {@code seq} on {@code ch}, in the evolving layout or not:
   * the stream waits for that server's first credit. Event loop.
   */
  synchronized void opened(Channel ch, long seq, boolean evolving, int maxFrameSize) {
    if (sender == null) {
      this.channel = ch;
      this.sequence = seq;
      this.evolving = evolving;
      this.maxFrameSize = maxFrameSize;
    }
  }

  /** Whether the publisher was subscribed: the call then goes to no other server. */
  synchronized boolean begun() {
    return sender != null;
  }

  /**
   * The server granted {@code items} and {@code bytes} more; event loop. The first credit
   * subscribes the publisher, off the event loop (a publisher may do work in {@code subscribe}).
   */
  void credit(long items, long bytes) {
    ItemSender s;
    boolean first = false;
    synchronized (this) {
      if (over) {
        return;
      }
      if (sender == null) {
        first = true;
        sender = new ItemSender(this, channel, sequence, method.codecId(), evolving,
            method.inputWriter(evolving), maxFrameSize, this, delivery::executor,
            "the stream argument of " + method.descriptor().displayName(), "client");
      }
      s = sender;
    }
    s.credit(items, bytes);
    if (first) {
      try {
        delivery.executor().execute(() -> s.start(publisher, Long.MAX_VALUE));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        failCall.accept(new RpcException(RpcException.Code.CANCELLED, method.callPrefix()
            + "was cancelled: the client was closed"));
      }
    }
  }
  /** The channel became writable again; event loop. */
  void writable() {
    ItemSender s;
    synchronized (this) {
      s = sender;
    }
    if (s != null) {
      s.writable();
    }
  }

  /**
   * The call ended, or the server wants no more of the stream (an END from it): the publisher is
   * cancelled, and nothing more is sent. One never subscribed
   * (the call ended before the server took the stream) is subscribed and cancelled at once, so
   * that it closes what it holds and a producer waiting to send is told.
   */
  void ended() {
    ItemSender s;
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
      s = sender;
    }
    if (s != null) {
      s.cancel();
      return;
    }
    try {
      delivery.executor().execute(() -> ItemSender.cancelUnstarted(publisher));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      ItemSender.cancelUnstarted(publisher); // the client is closed: here, then
    }
  }

  @Override
  public void streamEnded(Throwable error) {
    if (error != null) {
      failCall.accept(error instanceof RpcException r
          ? new RpcException(r.code(), method.callPrefix() + "failed: " + r.getMessage(), r)
          : new RpcException(RpcException.Code.CANCELLED, method.callPrefix() + "was cancelled:"
              + " its stream argument failed: " + error, error));
      return;
    }
    Channel ch;
    long seq;
    synchronized (this) {
      if (over) {
        return;
      }
      ch = channel;
      seq = sequence;
    }
    // On the event loop, after the last ITEM: the sender ends there.
    ch.writeAndFlush(Frames.empty(ch.alloc(), FrameType.END, seq), ch.voidPromise());
  }

  @Override
  public void hold(long bytes) {
    memory().force(bytes); // bounded by the sender's window, not refused
  }

  @Override
  public void release(long bytes) {
    memory().give(bytes);
  }

  /** The client's stream budget, looked up once: items come many, and its getter locks. */
  private StreamMemory memory() {
    StreamMemory m = memory;
    if (m == null) {
      m = memory = delivery.memory();
    }
    return m;
  }

  @Override
  public boolean overShare() {
    return false; // the window bounds what one stream holds; its producer is the client's own
  }
}
