package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.Slots;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's end of one server stream: the subscription its subscriber holds. What the
 * subscriber requests becomes credit sent to the server, at most {@code windowItems} items and
 * {@code windowBytes} bytes ahead of what it has been given; an item beyond the credit is the
 * server's protocol error. Items arrive on the event loop as frames and wait, undecoded, until
 * the subscriber wants them; they are decoded and handed over on the delivery executor, one at a
 * time, never on the event loop, so a slow subscriber holds only its own stream.
 *
 * <p>The stream ends when its call does: the RESPONSE that ends the stream completes the call,
 * and the subscriber's {@code onComplete} follows the items before it; an error ends it at once.
 */
final class StreamReceiver implements Flow.Subscription, Runnable {
  private final Flow.Subscriber<Object> subscriber;
  private final ClientMethod method;
  private final Executor executor;
  private final int windowItems;
  private final long windowBytes;
  /** The client's budget the byte credit and the queued items come from. */
  private final StreamMemory memory;
  /** Serializes delivery: whoever raises it from 0 drains. */
  private final AtomicInteger wip = new AtomicInteger();
  /** Told of each item passed on, for observers. */
  private final io.minirpc.internal.transport.ItemListeners listeners =
      new io.minirpc.internal.transport.ItemListeners();
  /** The call's future, to cancel; set once it starts. */
  private volatile java.util.concurrent.CompletableFuture<?> call;

  // Guarded by this.
  /** What the subscriber asked for and was not given. */
  private long demand;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** Credit granted to the server of the current attempt and not used yet. */
  private long creditItems;
  private long creditBytes;
  /** What this stream holds of {@link #memory}: its byte credit left and its queued items. */
  private long held;
  /** Whether it waits for {@link #memory} to have room. */
  private boolean awaiting;
  private Channel channel;
  private long sequence;
  /** Whether an item arrived: the call is not sent again elsewhere after that. */
  private boolean received;
  private boolean completed;
  private Throwable failure;
  /** Whether the subscriber was told the end, or cancelled: nothing more reaches it. */
  private boolean done;

  StreamReceiver(Flow.Subscriber<Object> subscriber, ClientMethod method, Executor executor,
      int windowItems, long windowBytes, StreamMemory memory) {
    this.subscriber = subscriber;
    this.method = method;
    this.executor = executor;
    this.windowItems = windowItems;
    this.windowBytes = windowBytes;
    this.memory = memory;
  }

  /**
   * The future of the call this stream is, which ends the stream as it ends; cancelling the
   * subscription cancels it, and a subscription cancelled already cancels it now.
   */
  void call(java.util.concurrent.CompletableFuture<?> call) {
    this.call = call;
    call.whenComplete((value, error) -> ended(error instanceof java.util.concurrent.CompletionException
        && error.getCause() != null ? error.getCause() : error));
    synchronized (this) {
      if (!done) {
        return;
      }
    }
    call.cancel(false);
  }

  /** Runs {@code listener} for each item handed to the subscriber from now on. */
  void listen(Runnable listener) {
    listeners.add(listener);
  }

  /** Whether the subscriber cancelled, or was told the end. */
  synchronized boolean isDone() {
    return done;
  }

  /** Whether an item arrived, so that the call goes to no other server. */
  synchronized boolean received() {
    return received;
  }

  /**
   * The request went to a server as call {@code seq} on {@code ch}; the grants start again from
   * nothing there. Event loop, right after the request was written.
   */
  void opened(Channel ch, long seq) {
    synchronized (this) {
      channel = ch;
      sequence = seq;
      creditItems = 0;
      creditBytes = 0; // a new server: what the last one was granted is given back
      rebalance();
    }
    grant();
  }

  /**
   * An ITEM of this stream arrived; this takes the frame. False if it was beyond the credit
   * granted, a protocol error of the server. Event loop.
   */
  boolean item(Frame frame) {
    int size = frame.size();
    synchronized (this) {
      if (done) {
        frame.release();
        return true;
      }
      if (frame.sequence() != sequence || creditItems <= 0 || creditBytes <= 0) {
        frame.release();
        return false;
      }
      creditItems--;
      creditBytes -= size;
      received = true;
      queue.add(frame);
      queuedBytes += size;
      if (creditBytes < 0) {
        rebalance(); // overdrawn by this item: counted at once; within credit, nothing changes
      }
    }
    schedule();
    return true;
  }

  /** The call ended: with {@code error}, or completely (null), after the items before it. */
  void ended(Throwable error) {
    synchronized (this) {
      if (error == null) {
        completed = true;
      } else if (failure == null) {
        failure = error;
      }
    }
    schedule();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      ended(new IllegalArgumentException("request(" + n + "): a subscriber must request a"
          + " positive number of items (Reactive Streams rule 3.9)"));
      cancelCall();
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    grant();
    schedule();
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      releaseQueue();
    }
    cancelCall();
  }

  private void cancelCall() {
    java.util.concurrent.CompletableFuture<?> c = call;
    if (c != null) {
      c.cancel(false); // its connection tells the server, which stops the stream
    }
  }

  /** Sends the server what the subscriber's demand and the window allow, when worth a frame. */
  private void grant() {
    long items;
    long bytes;
    Channel ch;
    long seq;
    synchronized (this) {
      if (channel == null || done || completed || failure != null) {
        return;
      }
      if (held - Math.max(0, creditBytes) - queuedBytes >= windowBytes / 16) {
        rebalance(); // items delivered since: what they held goes back, a chunk at a time
      }
      long want = Math.max(0, demand - queue.size());
      long targetItems = Math.min(want, windowItems);
      items = Math.max(0, targetItems - creditItems);
      bytes = Math.max(0, windowBytes - queuedBytes - creditBytes);
      boolean itemsLow = items > 0 && (creditItems <= 0 || items >= Math.max(1, targetItems / 2));
      boolean bytesLow = bytes > 0 && creditItems + items > 0
          && (creditBytes <= 0 || bytes >= windowBytes / 2);
      if (!itemsLow && !bytesLow) {
        return;
      }
      bytes = bytesLow || creditBytes <= 0 ? memory.take(bytes, windowBytes / 16) : 0; // wakeAt
      held += bytes; // taken: what rebalance below counts from
      if (bytes == 0 && creditBytes <= 0) {
        awaitRoom(); // no room in the client's budget: no credit until a stream gives some back
        return;
      }
      creditItems += items;
      creditBytes += bytes;
      rebalance();
      if (creditBytes <= 0) {
        awaitRoom(); // still overdrawn by an item: the server cannot send until there is more
      }
      ch = channel;
      seq = sequence;
    }
    ch.writeAndFlush(Frames.credit(ch.alloc(), seq, items, bytes), ch.voidPromise());
  }

  /** Grants again once the client's budget has room; under this. */
  private void awaitRoom() {
    if (!awaiting) {
      awaiting = true;
      memory.await(this::retryGrant);
    }
  }

  private void retryGrant() {
    synchronized (this) {
      awaiting = false;
    }
    grant();
  }

  private void schedule() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      // The client is closed: the subscriber is told the end here, and nothing more comes.
      Throwable end;
      synchronized (this) {
        if (done) {
          return;
        }
        end = failure != null ? failure : completed && queue.isEmpty() ? null
            : new RpcException(RpcException.Code.CANCELLED, method.callPrefix()
                + "was cancelled: the client was closed");
        done = true;
        releaseQueue();
      }
      finish(end);
    }
  }

  /** Delivers what the subscriber asked for, then the end; on the delivery executor. */
  @Override
  public void run() {
    int missed = 1;
    for (;;) {
      for (;;) {
        Frame next = null;
        Throwable end = null;
        synchronized (this) {
          if (done) {
            releaseQueue();
            break;
          }
          if (demand > 0 && !queue.isEmpty()) {
            next = queue.poll(); // the items before an error or the end go first
            demand--;
            queuedBytes -= next.size(); // given back to the budget by grant(), in chunks
          } else if (failure != null || completed && queue.isEmpty()) {
            end = failure;
            done = true;
            releaseQueue();
          } else {
            break;
          }
        }
        if (next == null) {
          finish(end);
          break;
        }
        deliver(next); // outside the lock: the subscriber may request or cancel from onNext
        grant();
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Decodes {@code frame}, which this releases, and gives its item to the subscriber. */
  private void deliver(Frame frame) {
    Object item;
    try {
      item = Slots.read(frame.body(), method.itemReader(Protocol.evolving(frame.flags())));
      if (item == null || frame.body().isReadable()) {
        throw new IOException(item == null ? "the server sent a null item"
            : frame.body().readableBytes() + " bytes follow the item");
      }
    } catch (IOException | RuntimeException | Error e) {
      synchronized (this) {
        releaseQueue(); // nothing after an item that cannot be read
      }
      ended(new RpcException(RpcException.Code.CODEC, method.callPrefix() + "failed: could"
          + " not decode an item (" + method.descriptor().itemType().getTypeName() + ") with the"
          + " client's codec: " + e.getMessage() + ". Check that client and server use the same"
          + " version of the interface", e));
      cancelCall();
      return;
    } finally {
      frame.release();
    }
    listeners.item();
    try {
      subscriber.onNext(item);
    } catch (Throwable t) {
      // Rule 2.13: a subscriber that throws is done with; the call is cancelled.
      synchronized (this) {
        done = true;
        releaseQueue();
      }
      cancelCall();
    }
  }

  /** Tells the subscriber the end: complete if {@code error} is null. */
  private void finish(Throwable error) {
    try {
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    } catch (Throwable t) {
      // Rule 2.13: nothing to do about a subscriber that throws from its last signal.
    }
  }

  /** Frees the queued items, and once done the credit left too. Under this. */
  private void releaseQueue() {
    for (Frame f : queue) {
      f.release();
    }
    queue.clear();
    queuedBytes = 0;
    if (done) {
      creditItems = 0;
      creditBytes = 0;
    }
    rebalance();
  }

  /**
   * Makes what this stream holds of the client's budget match its byte credit left and its
   * queued items; under this.
   */
  private void rebalance() {
    long target = Math.max(0, creditBytes) + queuedBytes;
    long delta = target - held;
    held = target;
    if (delta > 0) {
      memory.force(delta);
    } else if (delta < 0) {
      memory.give(-delta);
    }
  }
}
