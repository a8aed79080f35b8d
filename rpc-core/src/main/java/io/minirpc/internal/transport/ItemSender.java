package io.minirpc.internal.transport;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueWriter;
import io.minirpc.internal.protocol.FrameTooLargeException;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.ResponseWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The items of one stream on their way to its receiver, on either side: the server's answer
 * stream, or a client's stream of arguments. The Flow.Publisher given is asked for no more than
 * the receiver granted, in items and in bytes, and each item goes as an ITEM frame while the
 * credit lasts and the channel is writable. When the publisher completes, the held items are
 * sent first; then the owner ends the stream (a server's RESPONSE, a client's END). An error, a
 * cancel or the deadline ends it at once.
 *
 * <p>Threads: the publisher signals on its own threads; credit, writability and cancels arrive
 * on the event loop, which alone writes to the channel. The publisher is asked for items on the
 * given executor, never on the event loop, since a publisher may produce them in {@code
 * request} (an iterator pulled on the caller's thread); those requests and the cancel are made
 * one at a time, as the Reactive Streams rules ask.
 */
public final class ItemSender implements Flow.Subscriber<Object> {
  /** Who holds the stream: the call, which ends it on the wire once it ends here. */
  public interface Owner {
    /** The stream ended: completely if {@code error} is null (the RESPONSE or END follows). */
    void streamEnded(Throwable error);
  }

  private final Owner owner;
  private final Channel channel;
  private final long seq;
  private final byte codecId;
  private final boolean evolving;
  private final ValueWriter writer;
  private final int maxFrameSize;
  /** Where the publisher is asked for items: on a server, known once its first call ran. */
  private final java.util.function.Supplier<Executor> executor;
  private final String what;
  /** "server" or "client", for messages. */
  private final String side;
  /** Serializes requests and the cancel to the publisher. */
  private final SerialSubscription upstream = new SerialSubscription(this::publisherFailed);
  /**
   * Items and bytes asked of the publisher or encoded and unsent, at most, whatever the receiver
   * granted: a receiver that grants without end and stops reading costs this much and its socket.
   */
  public static final int WINDOW_ITEMS = 1024;
  public static final long WINDOW_BYTES = 1 << 20;

  // Guarded by this.
  /** Items the receiver granted that were not sent yet. */
  private long items;
  /** Bytes the receiver granted that were not sent yet; below zero by one item at most. */
  private long bytes;
  /** Items asked of the publisher that have not arrived. */
  private long requested;
  /** Encoded items that wait for credit, a writable channel, or the event loop. */
  private final HeldItems held;
  private boolean completed;
  /** What the publisher failed with; the stream ends with it once its held items are sent. */
  private Throwable failure;
  private boolean started;
  private boolean ended;
  private boolean drainScheduled;
  private io.netty.util.concurrent.ScheduledFuture<?> deadline;
  /** Told of each item passed on, for observers. */
  private final ItemListeners listeners = new ItemListeners();
  /** Behind interceptors: the stage the stream's end completes, instead of telling the owner. */
  private volatile java.util.concurrent.CompletableFuture<Object> interceptedEnd;

  /**
   * @param seq the call's sequence number, which its ITEM frames carry
   * @param writer encodes each item
   * @param memory where held items count
   * @param executor where the publisher is asked for items
   * @param what the stream, for messages ("com.example.Feed.ticks(int)")
   * @param side "server" or "client", for messages
   */
  public ItemSender(Owner owner, Channel channel, long seq, byte codecId, boolean evolving,
      ValueWriter writer, int maxFrameSize, SenderBudget memory,
      java.util.function.Supplier<Executor> executor, String what, String side) {
    this.owner = owner;
    this.channel = channel;
    this.seq = seq;
    this.codecId = codecId;
    this.evolving = evolving;
    this.writer = writer;
    this.maxFrameSize = maxFrameSize;
    this.held = new HeldItems(memory);
    this.executor = executor;
    this.what = what;
    this.side = side;
  }

  /**
   * Subscribes to {@code result}, what the method returned, with {@code remainingNanos} left
   * before the deadline (Long.MAX_VALUE for none). A stream cancelled before it started ends with
   * CANCELLED, and a result that is not a publisher with an error, both through the owner.
   *
   * @return false if the stream had started before: {@code result} is then not the method's
   */
  public boolean start(Object result, long remainingNanos) {
    boolean cancelledBefore;
    synchronized (this) {
      if (started) {
        return false;
      }
      started = true;
      cancelledBefore = ended;
    }
    if (cancelledBefore) {
      if (result instanceof Flow.Publisher) {
        // Subscribed and cancelled at once: the publisher closes what it holds (a cursor).
        cancelUnstarted((Flow.Publisher<?>) result);
      }
      ended(new RpcException(RpcException.Code.CANCELLED, "cancelled"));
      return true;
    }
    if (!(result instanceof Flow.Publisher)) {
      end(new IllegalStateException(what + " returned " + (result == null ? "null" : "a "
          + result.getClass().getName()) + " instead of a Flow.Publisher"));
      return true;
    }
    Flow.Publisher<?> publisher = (Flow.Publisher<?>) result;
    if (remainingNanos != Long.MAX_VALUE) {
      io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(
          () -> end(new RpcException(RpcException.Code.TIMEOUT, "the deadline of " + what
              + " passed while it streamed")), Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
      synchronized (this) {
        deadline = timer;
      }
    }
    try {
      publisher.subscribe(this);
    } catch (RuntimeException e) {
      end(e);
    }
    return true;
  }

  /** Subscribes to and cancels {@code publisher} of a call that ended before it streamed. */
  public static void cancelUnstarted(Flow.Publisher<?> publisher) {
    publisher.subscribe(SerialSubscription.CANCELLING);
  }

  /** Runs {@code listener} for each item written from now on (an observer counting them). */
  public void listen(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Starts the stream as {@link #start} does, for a call behind interceptors: its end completes
   * the returned stage, which the interceptors see as the call's, and not the owner; the owner
   * answers once the interceptors' stage has ended.
   */
  public java.util.concurrent.CompletionStage<Object> startIntercepted(Object result,
      long remainingNanos) {
    java.util.concurrent.CompletableFuture<Object> end =
        new java.util.concurrent.CompletableFuture<>();
    interceptedEnd = end;
    start(result, remainingNanos);
    return end;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (subscription == null) {
      end(new NullPointerException("the stream's publisher subscribed with a null subscription"));
      return;
    }
    boolean refuse;
    synchronized (this) {
      refuse = ended || !upstream.set(subscription);
    }
    if (refuse) {
      subscription.cancel(); // rule 2.5: a second subscription, or one after the end
      return;
    }
    pull();
  }

  @Override
  public void onNext(Object item) {
    synchronized (this) {
      if (ended) {
        upstream.cancelFromSignal(); // a publisher emitting inside one long request stops here
        return;
      }
    }
    if (item == null) {
      end(new NullPointerException("the stream's publisher sent a null item (rule 2.13)"));
      return;
    }
    ByteBuf frame;
    try {
      frame = ResponseWriter.write(channel.alloc(), FrameType.ITEM, codecId, seq, item, writer,
          maxFrameSize);
    } catch (Throwable e) {
      end(FrameTooLargeException.isCause(e)
          ? new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, "an item of " + what
              + " is larger than the maximum frame size of " + maxFrameSize + " bytes"
              + " (minirpc.maxFrameSize), so the stream ended. Send smaller items")
          : new RpcException(RpcException.Code.CODEC, "the " + side + " could not encode an item of "
              + what + ": " + e.getMessage()));
      return;
    }
    if (evolving) {
      Frames.addFlag(frame, Protocol.FLAG_EVOLVING);
    }
    synchronized (this) {
      if (ended) {
        frame.release();
        return;
      }
      requested = Math.max(0, requested - 1);
      held.add(frame);
    }
    scheduleDrain();
  }

  @Override
  public void onError(Throwable error) {
    synchronized (this) {
      failure = error == null ? new NullPointerException("the stream failed with null") : error;
    }
    scheduleDrain(); // the items before the error go first, as far as the credit reaches now
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      completed = true;
    }
    scheduleDrain();
  }

  /** The receiver granted {@code moreItems} and {@code moreBytes}; event loop. */
  public void credit(long moreItems, long moreBytes) {
    synchronized (this) {
      items = plus(items, moreItems);
      bytes = plus(bytes, moreBytes); // from below zero, after an item that overdrew them
    }
    drain();
  }

  /** The channel became writable again; event loop. */
  public void writable() {
    drain();
  }

  /**
   * The call was cancelled, or its peer went away: stop the publisher, send nothing more. Returns whether
   * the stream had started, so that its owner ends the call now; one not started ends through
   * {@link #start}.
   */
  public boolean cancel() {
    if (close()) {
      upstream.cancel();
      java.util.concurrent.CompletableFuture<Object> end = interceptedEnd;
      if (end != null) { // the interceptors see the call end
        end.completeExceptionally(new RpcException(RpcException.Code.CANCELLED, what
            + " was cancelled, or its peer went away"));
      }
    }
    synchronized (this) {
      return started;
    }
  }

  /** The publisher's {@code request} or {@code cancel} threw: the stream ends with that. */
  private void publisherFailed(Throwable t) {
    end(t);
  }

  private void scheduleDrain() {
    synchronized (this) {
      if (drainScheduled || ended) {
        return;
      }
      drainScheduled = true;
    }
    try {
      channel.eventLoop().execute(this::drain);
    } catch (RejectedExecutionException e) {
      cancel(); // the side is stopping
    }
  }

  /** Writes what the credit allows, then ends the stream if it completed; event loop. */
  private void drain() {
    boolean wrote = false;
    boolean finished;
    Throwable failed;
    for (;;) {
      ByteBuf next;
      synchronized (this) {
        drainScheduled = false;
        if (ended || held.isEmpty() || items <= 0 || bytes <= 0 || !channel.isWritable()) {
          // A failed stream does not wait for credit: what cannot go now is dropped.
          failed = ended ? null : failure;
          finished = !ended && completed && held.isEmpty();
          break;
        }
        items--;
        bytes -= held.peekSize();
        next = held.poll();
      }
      channel.write(next, channel.voidPromise());
      wrote = true;
      listeners.item();
    }
    if (wrote) {
      channel.flush();
    }
    if (failed != null) {
      end(failed);
    } else if (finished) {
      end(null);
    } else {
      pull();
    }
  }

  /** Asks the publisher for what the credit holds and is not asked for yet. */
  private void pull() {
    long n;
    synchronized (this) {
      if (ended || completed || failure != null || !upstream.subscribed()
          || !channel.isWritable()) {
        return;
      }
      long room = Math.min(items, WINDOW_ITEMS) - held.size() - requested;
      long byteRoom = Math.min(bytes, WINDOW_BYTES) - held.bytes();
      int largest = held.largest();
      if (room <= 0 || byteRoom <= 0 || largest == 0 && requested > 0 || held.overShare()) {
        return;
      }
      // One at first, until an item shows its size; then as many as the bytes granted hold.
      n = largest == 0 ? 1 : Math.min(room, Math.max(1, byteRoom / largest));
      requested += n;
    }
    upstream.request(n, executor.get(), channel.eventLoop());
  }

  /** Ends the stream, once: nothing more is sent, and the owner answers. */
  private void end(Throwable error) {
    if (!close()) {
      return;
    }
    if (error != null) {
      upstream.cancel();
    }
    ended(error);
  }

  /** Takes the right to end; frees what is held. False if it had ended. */
  private boolean close() {
    io.netty.util.concurrent.ScheduledFuture<?> timer;
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      held.clear();
      timer = deadline;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    return true;
  }

  /** Tells the owner, or behind interceptors their stage, that the stream ended. */
  private void ended(Throwable error) {
    java.util.concurrent.CompletableFuture<Object> end = interceptedEnd;
    if (end == null) {
      owner.streamEnded(error);
    } else if (error == null) {
      end.complete(null);
    } else {
      end.completeExceptionally(error);
    }
  }

  /** {@code a + b} for {@code b} not negative, at most Long.MAX_VALUE. */
  private static long plus(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }
}
