package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueReader;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.internal.transport.ItemSender;
import io.minirpc.internal.transport.ReceivedItems;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The streams of one inbound call, either way: the stream of answers its method returns (an
 * {@link ItemSender}), and the client's stream of arguments it reads (an {@link ItemReceiver}
 * behind the publisher the method is given); either may be absent. The call's frames and its
 * connection's events reach them here.
 *
 * <p>The client's stream opens when the method is about to run: a first CREDIT, of nothing,
 * tells the client that the server takes it (the client sends nothing of it before); then what
 * the method's subscriber requests becomes credit, from the connection's memory budget. The
 * stream ends with the client's END, or with the call: its cancel, its deadline, its answer.
 */
final class ServerStreams {
  private final ItemSender out;
  private final ItemReceiver in;
  private final Channel channel;
  private final long seq;
  private final String what;
  /** The connection's memory, which the client's stream's credit holds. */
  private final ConnectionMemory memory;
  /** The deadline of the client's stream; guarded by this. */
  private io.netty.util.concurrent.ScheduledFuture<?> deadline;
  /** Whether the client's stream opened, and counts on its connection; guarded by this. */
  private boolean opened;
  /** How long the method may wait on its worker for the client; 0 for ever. */
  private final long idleNanos;
  /** Watches the client's stream while the method blocks its worker; set when it opens. */
  private volatile IdleWatch idle;
  /** Whether the client takes an END, to stop sending its stream before the call ends. */
  private final boolean stopsClient;

  private ServerStreams(ItemSender out, ItemReceiver in, Channel channel, long seq, String what,
      ConnectionMemory memory, long idleNanos, boolean stopsClient) {
    this.memory = memory;
    this.stopsClient = stopsClient;
    this.idleNanos = idleNanos;
    this.out = out;
    this.in = in;
    this.channel = channel;
    this.seq = seq;
    this.what = what;
  }

  /**
   * The streams of call {@code seq} of {@code method} on the connection of {@code memory} and
   * {@code inputs}, whose calls run on {@code executor}, from a client that takes an END for its
   * stream if {@code stopsClient}; null if it streams neither way.
   */
  static ServerStreams of(ItemSender.Owner owner, ConnectionMemory memory, InputMemory inputs,
      java.util.function.Supplier<java.util.concurrent.Executor> executor, Serving serving,
      ServerMethod method, Codecs.Entry codec, long seq, boolean stopsClient) {
    MethodDescriptor d = method.descriptor();
    if (!d.streams() && !d.inputStreams()) {
      return null;
    }
    Channel ch = memory.channel();
    ItemSender out = !d.streams() ? null : new ItemSender(owner, ch, seq, codec.id(),
        codec.isEvolving(), method.itemWriter(codec), serving.limits().maxFrameSize(),
        new AnswerBudget(memory), executor, d.displayName(), "server");
    ItemReceiver in = !d.inputStreams() ? null : new ItemReceiver(new Items(method, codec),
        serving.delivery().executor(), ItemReceiver.WINDOW_ITEMS, ItemReceiver.WINDOW_BYTES,
        inputs);
    return new ServerStreams(out, in, ch, seq, d.displayName(), memory,
        serving.limits().maxStreamIdleNanos(), stopsClient);
  }

  /**
   * The method is about to run with {@code args}: the client's stream, if it sends one, takes
   * its parameter's place, and opens, with {@code remainingNanos} before the deadline.
   */
  void open(Object[] args, int index, long remainingNanos) {
    if (in == null) {
      return;
    }
    args[index] = new Input(in, what);
    synchronized (this) {
      opened = true;
    }
    memory.inputStream(1); // its connection no longer waits for memory while it is open
    channel.writeAndFlush(Frames.credit(channel.alloc(), seq, 0, 0), channel.voidPromise());
    // The method's subscriber cancelled, or could not read an item: the client stops sending,
    // and the call goes on.
    in.cancelWith(this::stopClient);
    in.opened(channel, seq);
    idle = IdleWatch.start(in, channel.eventLoop(), idleNanos, what, this::stopClient);
    if (remainingNanos != Long.MAX_VALUE) {
      io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(
          () -> in.ended(new RpcException(RpcException.Code.TIMEOUT, "the deadline of " + what
              + " passed while the client streamed to it")),
          Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
      synchronized (this) {
        deadline = timer;
      }
    }
  }

  /**
   * Tells the client to stop sending its stream, with an END, if it takes one; an older client
   * is granted nothing more, and stops when the call ends.
   */
  private void stopClient() {
    if (stopsClient) {
      channel.writeAndFlush(Frames.empty(channel.alloc(), FrameType.END, seq),
          channel.voidPromise());
    }
  }

  /** The method returned: it no longer holds its worker, however long it reads its stream. */
  void returned() {
    IdleWatch w = idle;
    if (w != null) {
      w.stop();
    }
  }

  /** The stream of answers, or null if the method returns none. */
  ItemSender answers() {
    return out;
  }

  /** Runs {@code listener} for each item sent or received from now on. */
  void listen(Runnable listener) {
    if (out != null) {
      out.listen(listener);
    }
    if (in != null) {
      in.listen(listener);
    }
  }

  /** The client granted more; ignored for a call that streams no answers. Event loop. */
  void credit(long items, long bytes) {
    if (out != null) {
      out.credit(items, bytes);
    }
  }

  /** The channel became writable again; event loop. */
  void writable() {
    if (out != null) {
      out.writable();
    }
  }

  /** An ITEM of the client's stream, which this takes: false if the client had no right to it. */
  boolean item(Frame frame) {
    if (in == null) {
      frame.release();
      return false;
    }
    // Within its credit, the item is paid for by the credit, which holds the connection's memory
    // until the item is delivered: what its decoder reserved for it goes back now.
    memory.release(frame.takeReserved(Long.MAX_VALUE));
    IdleWatch w = idle;
    if (w != null) {
      w.item();
    }
    return in.item(frame);
  }

  /** The client's END: false if the call takes no stream from the client. */
  boolean end() {
    if (in == null) {
      return false;
    }
    in.ended(null);
    return true;
  }

  /**
   * The client cancelled, or went away, with {@code remainingNanos} left before the deadline:
   * both streams stop. Returns whether the answers had started streaming, so that the call ends
   * now.
   */
  boolean cancel(long remainingNanos) {
    if (in != null) {
      // A client cancels a call at its deadline, which it measures from a little before the
      // server does: a CANCEL that close to the deadline is the deadline's.
      in.ended(remainingNanos < DEADLINE_SLACK_NANOS
          ? new RpcException(RpcException.Code.TIMEOUT, "the deadline of " + what + " passed"
              + " while the client streamed to it")
          : new RpcException(RpcException.Code.CANCELLED, "the client cancelled " + what
              + ", or went away, while it streamed"));
    }
    return out != null && out.cancel();
  }

  /** How close to the deadline a client's CANCEL is taken for its deadline. */
  private static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** The call ended: a client's stream that goes on is of no use, and ends here. */
  void finished() {
    if (in == null) {
      return;
    }
    io.netty.util.concurrent.ScheduledFuture<?> timer;
    boolean counted;
    synchronized (this) {
      timer = deadline;
      counted = opened;
      opened = false;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    if (counted) {
      memory.inputStream(-1);
    }
    returned();
    in.ended(new RpcException(RpcException.Code.CANCELLED, what + " ended before the client's"
        + " stream did"));
  }

  /** What the method is given for the client's stream: its one subscriber gets the items. */
  private static final class Input implements Flow.Publisher<Object> {
    private final ItemReceiver receiver;
    private final String what;
    private final java.util.concurrent.atomic.AtomicBoolean taken =
        new java.util.concurrent.atomic.AtomicBoolean();

    Input(ItemReceiver receiver, String what) {
      this.receiver = receiver;
      this.what = what;
    }

    @SuppressWarnings("unchecked")
    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
      java.util.Objects.requireNonNull(subscriber, "subscriber == null (Reactive Streams 1.9)");
      if (taken.compareAndSet(false, true)) {
        receiver.attach((Flow.Subscriber<Object>) subscriber);
        return;
      }
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("the client's stream of " + what + " has"
          + " a subscriber already: it comes once, and may be subscribed once"));
    }

    @Override
    public String toString() {
      return "the client's stream of " + what;
    }
  }

  /** The connection's memory, as a stream of answers holds it: as answers not yet written. */
  private static final class AnswerBudget implements io.minirpc.internal.transport.SenderBudget {
    private final ConnectionMemory memory;

    AnswerBudget(ConnectionMemory memory) {
      this.memory = memory;
    }

    @Override
    public void hold(long bytes) {
      memory.holdAnswer(bytes);
    }

    @Override
    public void release(long bytes) {
      memory.answerWritten(bytes);
      memory.release(bytes);
    }

    @Override
    public boolean overShare() {
      return memory.answersOverShare();
    }
  }

  /** How the server reads the items of a client's stream. */
  private static final class Items implements ReceivedItems {
    private final ServerMethod method;
    private final Codecs.Entry codec;

    Items(ServerMethod method, Codecs.Entry codec) {
      this.method = method;
      this.codec = codec;
    }

    @Override
    public ValueReader reader(boolean evolving) throws IOException {
      if (evolving != codec.isEvolving()) {
        throw new IOException("an item is " + (evolving ? "" : "not ") + "in the evolving layout"
            + " and its request was " + (evolving ? "not" : ""));
      }
      return method.inputReader(codec);
    }

    @Override
    public RpcException undecodable(Throwable e) {
      return new RpcException(RpcException.Code.CODEC, "the server could not decode an item ("
          + method.descriptor().inputItemType().getTypeName() + ") of the client's stream of "
          + method.descriptor().displayName() + " with codec " + codec.name() + ": "
          + e.getMessage() + ". Check that client and server use the same version of the"
          + " interface", e);
    }

    @Override
    public RpcException closed() {
      return new RpcException(RpcException.Code.UNAVAILABLE, "the server is shutting down");
    }
  }
}
