package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueWriter;
import io.minirpc.internal.protocol.FrameTooLargeException;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.ResponseWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The items of one server stream on their way to the client: the Flow.Publisher the method
 * returned is asked for no more than the client granted, in items and in bytes, and each item
 * goes as an ITEM frame while the client's credit lasts and the channel is writable. When the
 * publisher completes, the held items are sent first; then the owner answers with the RESPONSE
 * that ends the stream. An error, a cancel or the deadline ends it at once.
 *
 * <p>Threads: the publisher signals on its own threads; credit, writability and cancels arrive
 * on the event loop, which alone writes to the channel. The publisher is asked for items on the
 * server's executor, never on the event loop, since a publisher may produce them in {@code
 * request} (an iterator pulled on the caller's thread); those requests and the cancel are made
 * one at a time, as the Reactive Streams rules ask.
 */
final class ServerStream implements Flow.Subscriber<Object> {
  /** Who holds the stream: the inbound call, which answers once it ends. */
  interface Owner {
    /** The stream ended: completely if {@code error} is null (the RESPONSE follows), or not. */
    void streamEnded(Throwable error);
  }

  private final Owner owner;
  private final Channel channel;
  private final long seq;
  private final byte codecId;
  private final boolean evolving;
  private final ValueWriter writer;
  private final int maxFrameSize;
  private final ConnectionMemory memory;
  /** The server's executor, known once the connection's first call ran. */
  private final java.util.function.Supplier<Executor> executor;
  private final String what;
  /** Serializes requests and the cancel to the publisher. */
  private final SerialSubscription upstream = new SerialSubscription();

  // Guarded by this.
  /** Items the client granted that were not sent yet. */
  private long items;
  /** Bytes the client granted that were not sent yet; below zero by one item at most. */
  private long bytes;
  /** Items asked of the publisher that have not arrived. */
  private long requested;
  /** Encoded items that wait for credit, a writable channel, or the event loop. */
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
  private long heldBytes;
  /** The largest item so far, to ask for no more items than the bytes granted hold. */
  private int largest;
  private boolean completed;
  /** What the publisher failed with; the stream ends with it once its held items are sent. */
  private Throwable failure;
  private boolean started;
  private boolean ended;
  private boolean drainScheduled;
  private io.netty.util.concurrent.ScheduledFuture<?> deadline;
  /** Told of each item written, for observers; copied on write. */
  private volatile Runnable[] listeners = new Runnable[0];
  /** Behind interceptors: the stage the stream's end completes, instead of telling the owner. */
  private volatile java.util.concurrent.CompletableFuture<Object> interceptedEnd;

  ServerStream(Owner owner, Channel channel, long seq, byte codecId, boolean evolving,
      ValueWriter writer, int maxFrameSize, ConnectionMemory memory,
      java.util.function.Supplier<Executor> executor,
      String what) {
    this.owner = owner;
    this.channel = channel;
    this.seq = seq;
    this.codecId = codecId;
    this.evolving = evolving;
    this.writer = writer;
    this.maxFrameSize = maxFrameSize;
    this.memory = memory;
    this.executor = executor;
    this.what = what;
  }

  /**
   * Subscribes to {@code result}, what the method returned, with {@code remainingNanos} left
   * before the deadline (Long.MAX_VALUE for none). A stream cancelled before it started ends with
   * CANCELLED, and a result that is not a publisher with an error, both through the owner.
   *
   * @return false if the stream had started before: {@code result} is then not the method's
   */
  boolean start(Object result, long remainingNanos) {
    boolean cancelledBefore;
    synchronized (this) {
      if (started) {
        return false;
      }
      started = true;
      cancelledBefore = ended;
    }
    if (cancelledBefore) {
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

  /** Runs {@code listener} for each item written from now on (an observer counting them). */
  synchronized void listen(Runnable listener) {
    Runnable[] more = java.util.Arrays.copyOf(listeners, listeners.length + 1);
    more[listeners.length] = listener;
    listeners = more;
  }

  /**
   * Starts the stream as {@link #start} does, for a call behind interceptors: its end completes
   * the returned stage, which the interceptors see as the call's, and not the owner; the owner
   * answers once the interceptors' stage has ended.
   */
  java.util.concurrent.CompletionStage<Object> startIntercepted(Object result,
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
          : new RpcException(RpcException.Code.CODEC, "the server could not encode an item of "
              + what + ": " + e.getMessage()));
      return;
    }
    if (evolving) {
      Frames.addFlag(frame, Protocol.FLAG_EVOLVING);
    }
    int size = frame.readableBytes();
    synchronized (this) {
      if (ended) {
        frame.release();
        return;
      }
      requested = Math.max(0, requested - 1);
      held.add(frame);
      heldBytes += size;
      largest = Math.max(largest, size);
    }
    memory.holdAnswer(size); // in the connection's and the server's budgets until written
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

  /** The client granted {@code moreItems} and {@code moreBytes}; event loop. */
  void credit(long moreItems, long moreBytes) {
    synchronized (this) {
      items = saturated(items + moreItems);
      bytes = saturated(bytes + moreBytes);
    }
    drain();
  }

  /** The channel became writable again; event loop. */
  void writable() {
    drain();
  }

  /**
   * The client cancelled, or went away: stop the publisher, send nothing more. Returns whether
   * the stream had started, so that its owner ends the call now; one not started ends through
   * {@link #start}.
   */
  boolean cancel() {
    if (close()) {
      upstream.cancel();
    }
    synchronized (this) {
      return started;
    }
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
      cancel(); // the server is stopping
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
        next = held.poll();
        int size = next.readableBytes();
        items--;
        bytes -= size;
        heldBytes -= size;
      }
      int size = next.readableBytes();
      memory.answerWritten(size);
      memory.release(size);
      channel.write(next, channel.voidPromise());
      wrote = true;
      for (Runnable listener : listeners) {
        listener.run();
      }
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
      long room = items - held.size() - requested;
      long byteRoom = bytes - heldBytes;
      if (room <= 0 || byteRoom <= 0 || largest == 0 && requested > 0) {
        return;
      }
      // One at first, until an item shows its size; then as many as the bytes granted hold.
      n = largest == 0 ? 1 : Math.min(room, Math.max(1, byteRoom / largest));
      requested += n;
    }
    upstream.request(n, executor.get());
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
    long free = 0;
    io.netty.util.concurrent.ScheduledFuture<?> timer;
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      for (ByteBuf b : held) {
        free += b.readableBytes();
        b.release();
      }
      held.clear();
      heldBytes = 0;
      timer = deadline;
    }
    if (free > 0) {
      memory.answerWritten(free);
      memory.release(free);
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

  private static long saturated(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }
}
