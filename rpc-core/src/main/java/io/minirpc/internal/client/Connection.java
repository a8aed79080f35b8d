package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.SequenceMap;
import io.minirpc.internal.transport.WriteBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection to the server and the calls pending on it. The pending table and the sequence
 * counter belong to the connection's event loop: every access runs there, so neither needs a lock,
 * and a response can never race the registration of its call.
 *
 * <p>A connection is usable once the server's HELLO has arrived and matched; it stops taking calls
 * when the server says GOAWAY, when it is closed, or while it is full: at most {@code maxInFlight}
 * calls at once (the smaller of the client's limit and the server's), and none while the channel's
 * outbound buffer is above its high-water mark.
 */
final class Connection implements ResponseReader.Source, Attempt.Holder {

  /** What a connection needs from whoever spreads calls over it. */
  interface Owner {
    /** A permit came back, or the channel became writable: waiting calls may go now. */
    void capacityFreed();

    /** An answer arrived; {@code code} is its error's, or null: the server's health record. */
    default void answered(RpcException.Code code) {}

    /** A call sent here timed out waiting for its answer: the server's health record. */
    default void timedOut() {}
  }

  private final Channel channel;
  private final EventLoop loop;
  private final String address;
  private final Owner owner;
  private final ResponseDecoding decoding;
  /** Large responses of this connection being decoded off its event loop. Event loop only. */
  private final OffLoopAnswers offLoop;
  private final SequenceMap<Attempt> pending = new SequenceMap<>();
  /**
   * Per method: {@link Compatibility#SAME}, {@link Compatibility#EVOLVING}, or the exception its
   * calls fail with. Event loop only.
   */
  private final Map<ClientMethod, Object> verdicts = new HashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final WriteBatcher<Attempt> out;
  private long lastSequence;
  private volatile Hello serverHello;
  /**
   * Said after a CODEC failure when client and server allow different classes to the Kryo codec,
   * the likeliest cause; {@code null} when they allow the same.
   */
  private volatile String allowedHint;
  private volatile int maxInFlight;
  private volatile boolean draining;
  /** The code pending calls fail with when the channel closes, and why it closed. */
  private RpcException.Code closeCode = RpcException.Code.UNAVAILABLE;
  private String closeReason;
  private boolean faulty;

  /** @param decoding where large responses are decoded, within the client's memory budget */
  Connection(Channel channel, String address, Owner owner, ResponseDecoding decoding) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.address = address;
    this.owner = owner;
    this.decoding = decoding;
    this.offLoop = new OffLoopAnswers(channel, decoding, this);
    this.out = new WriteBatcher<>(channel, this::write,
        call -> call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed"));
  }

  @Override
  public io.netty.buffer.ByteBufAllocator alloc() {
    return channel.alloc();
  }

  /** A call given here was sent, and its deadline passed waiting for its answer. */
  @Override
  public RpcException expired(Attempt attempt) {
    owner.timedOut();
    return null;
  }

  @Override
  public void answered(RpcException.Code code) {
    owner.answered(code);
  }

  Channel channel() {
    return channel;
  }

  /** How this connection's compressed bodies are made and inflated. */
  @Override
  public ClientCompression compression() {
    return decoding.compression();
  }

  @Override
  public String address() {
    return address;
  }

  /** The server's HELLO, or {@code null} before the handshake. */
  Hello serverHello() {
    return serverHello;
  }

  /**
   * The handshake succeeded: calls may flow, at most {@code maxInFlight} at once. {@code
   * allowedHint}, if not null, ends the message of a CODEC failure.
   */
  void ready(Hello hello, int maxInFlight, String allowedHint) {
    this.serverHello = hello;
    this.maxInFlight = maxInFlight;
    this.allowedHint = allowedHint;
  }

  /**
   * The server said GOAWAY: finish what was sent, take nothing new, and close once the last call
   * has ended, which tells the server that nothing more is on its way.
   */
  void drain() {
    draining = true;
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (!loop.inEventLoop()) {
      onLoop(this::closeIfDrained);
      return;
    }
    if (draining && inFlight.get() == 0 && pending.isEmpty() && channel.isActive()) {
      channel.close();
    }
  }

  boolean isDraining() {
    return draining;
  }

  /** Whether the connection takes new calls at all (it may still be full). */
  boolean isUsable() {
    return serverHello != null && !draining && channel.isActive();
  }

  /** Takes one in-flight permit if the connection is usable, writable and not full. */
  boolean tryAcquire() {
    if (!isUsable() || !channel.isWritable()) {
      return false;
    }
    for (;;) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a permit taken by {@link #tryAcquire} for a call that was never assigned. */
  void releasePermit() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Sends {@code call}, which holds a permit of this connection, from any thread. */
  void send(Attempt call) {
    out.add(call);
  }

  private void write(Attempt call) {
    Object verdict = verdicts.get(call.method());
    if (verdict == null) { // once per method: the map is the event loop's alone
      verdict = Compatibility.verdict(call.method(), serverHello, address);
      verdicts.put(call.method(), verdict);
    }
    if (verdict instanceof RpcException) {
      RpcException mismatch = (RpcException) verdict;
      call.failed(new RpcException(mismatch.code(), mismatch.getMessage()),
          AttemptFailure.UNRUN_LOCAL); // another server of a fleet may match
      return;
    }
    // Classes that differ in compatible ways go in the evolving layout, encoded again here.
    ByteBuf request = call.takeRequest(verdict == Compatibility.EVOLVING);
    if (request == null) {
      return; // ended (timed out or cancelled) on its way here, or could not be encoded again
    }
    try {
      request = decoding.compression().forServer(request, serverHello, address, channel.alloc());
    } catch (java.io.IOException e) {
      call.fail(RpcException.Code.INTERNAL, "was not sent: its compressed request could not be"
          + " uncompressed for a server without that compressor: " + e.getMessage());
      return;
    }
    if (request.readableBytes() - Protocol.LENGTH_FIELD > serverHello.maxFrameSize()) {
      // Encoded before this server's HELLO said its limit (the first call of a fresh client):
      // refused here as it would have been then, rather than sent for the server to hang up on.
      request.release();
      call.failed(call.method().requestTooLarge(serverHello.maxFrameSize(), call.args(),
          null),
          AttemptFailure.UNRUN_LOCAL);
      return;
    }
    if (!channel.isActive()) {
      request.release();
      if (closeCode == RpcException.Code.CANCELLED) {
        call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      } else {
        call.failUnrun(RpcException.Code.UNAVAILABLE, "failed: the connection to " + address
            + " closed before the request was sent" + reasonSuffix() + ". It did not run");
      }
      return;
    }
    long seq = ++lastSequence;
    Frames.setSequence(request, request.readerIndex(), seq);
    pending.put(seq, call);
    call.sent(seq);
    channel.write(request).addListener(call); // the batcher flushes
    // A server stream grants its first credit, a client's stream subscribes its publisher.
    ResponseReader.opened(call, channel, seq, verdict == Compatibility.EVOLVING, serverHello);
  }

  /** The call sent as {@code seq}, or null if it ended (a late frame). Event loop. */
  Attempt pendingAt(long seq) {
    return pending.get(seq);
  }

  /** Routes a RESPONSE or ERROR frame to its call; runs on the event loop. */
  void onResponse(Frame frame) {
    Attempt call = pending.remove(frame.sequence());
    if (call == null) {
      // Late: the call timed out or was cancelled. Nobody is waiting.
      frame.release();
      closeIfDrained();
      return;
    }
    if (frame.type() == FrameType.RESPONSE) {
      int size = decoding.decodedSize(frame);
      if (size >= ResponseDecoding.LARGE) {
        offLoop.decode(call, frame, size, allowedHint);
        return;
      }
    }
    // A refusal marked NOT_RUN may send the call again elsewhere.
    ResponseReader.complete(call, frame, allowedHint, null, this);
  }

  /**
   * A call given to this connection ended, from any thread: its permit comes back, and if it is
   * still in the table it ended without its response (it timed out or was cancelled), so the
   * server is told to stop working on it.
   */
  @Override
  public void ended(Attempt call) {
    inFlight.decrementAndGet();
    owner.capacityFreed();
    if (loop.inEventLoop()) {
      forget(call);
    } else {
      onLoop(() -> forget(call));
    }
  }

  /** The channel became writable again: waiting calls may go. */
  void writable() {
    owner.capacityFreed();
    ResponseReader.writable(pending.values()); // a client's stream that waited goes on
  }

  /** Event loop only, where the sequence number was set. */
  private void forget(Attempt call) {
    long seq = call.sequence();
    // By identity: the number may since have been given to another call (a resent call keeps
    // none of its old connection's numbers, but a stale one must never cancel a stranger).
    if (seq != 0 && pending.remove(seq, call)) {
      if (channel.isActive()) {
        sendEmpty(FrameType.CANCEL, seq);
      }
    }
    closeIfDrained();
  }

  /** Sends a frame with no header and no body, such as CANCEL, PING or PONG; event loop only. */
  void sendEmpty(FrameType type, long seq) {
    channel.writeAndFlush(Frames.empty(channel.alloc(), type, seq), channel.voidPromise());
  }

  /** Fails every pending call; runs on the event loop when the channel goes inactive. */
  void failAll() {
    if (pending.isEmpty()) {
      return;
    }
    List<Attempt> calls = pending.values();
    pending.clear();
    String message =
        closeCode == RpcException.Code.CANCELLED
            ? "was cancelled: the client was closed while the call was pending"
            : "failed: the connection to " + address + " was lost before the response arrived"
                + reasonSuffix() + ". The server may have stopped or crashed, and the call may or"
                + " may not have run. The client reconnects by itself";
    for (Attempt call : calls) {
      if (closeCode == RpcException.Code.CANCELLED) {
        call.fail(closeCode, message);
      } else {
        call.failed(new RpcException(closeCode, call.method().callPrefix() + message),
            AttemptFailure.MAY_HAVE_RUN);
      }
    }
  }

  /** Why the connection was closed by this side, or {@code null}. Event loop only. */
  String closeReason() {
    return closeReason;
  }

  private String reasonSuffix() {
    return closeReason == null ? "" : " (" + closeReason + ")";
  }

  /**
   * Closes the channel because its server misbehaved ({@code reason} says how), from any thread:
   * the client reconnects after a backoff that grows while it goes on.
   */
  @Override
  public void closeBecauseFaulty(String reason) {
    if (!loop.inEventLoop()) {
      onLoop(() -> closeBecauseFaulty(reason));
      return;
    }
    faulty = true;
    closeBecause(reason);
  }

  /** Whether {@link #closeBecauseFaulty} closed it. Event loop only. */
  boolean isFaulty() {
    return faulty;
  }

  /** Closes the channel because of {@code reason}, failing pending calls with UNAVAILABLE. */
  void closeBecause(String reason) {
    if (loop.inEventLoop()) {
      if (closeReason == null) {
        closeReason = reason;
      }
      channel.close();
    } else {
      loop.execute(() -> closeBecause(reason));
    }
  }

  /** Runs {@code task} on the event loop, unless the client is closing. */
  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The client is closing: its channels and their tables go with it.
    }
  }

  /** Closes the channel, failing pending calls with CANCELLED; from any thread. */
  void closeLocally() {
    if (loop.inEventLoop()) {
      closeCode = RpcException.Code.CANCELLED;
      channel.close();
    } else {
      try {
        loop.execute(this::closeLocally);
      } catch (RejectedExecutionException e) {
        channel.close();
      }
    }
  }

  @Override
  public String toString() {
    return "connection " + channel.localAddress() + " -> " + address
        + (draining ? " (draining)" : "") + ", " + inFlight.get() + " in flight";
  }
}
