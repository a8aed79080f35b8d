package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection to the server and the calls pending on it. The pending table and the sequence
 * counter belong to the connection's event loop: every access runs there, so neither needs a lock,
 * and a response can never race the registration of its call.
 */
final class Connection {
  private final Channel channel;
  private final EventLoop loop;
  private final String address;
  private final LongObjectMap<PendingCall> pending = new LongObjectHashMap<>();
  private long lastSequence;
  /** The code pending calls fail with when the channel closes: UNAVAILABLE unless we closed it. */
  private RpcException.Code closeCode = RpcException.Code.UNAVAILABLE;

  Connection(Channel channel, String address) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.address = address;
  }

  Channel channel() {
    return channel;
  }

  boolean isActive() {
    return channel.isActive();
  }

  /** Sends {@code call} from any thread. */
  void send(PendingCall call) {
    if (loop.inEventLoop()) {
      write(call);
    } else {
      loop.execute(() -> write(call));
    }
  }

  private void write(PendingCall call) {
    ByteBuf request = call.takeRequest();
    if (request == null) {
      return; // ended (timed out or cancelled) while waiting for the connection
    }
    if (!channel.isActive()) {
      request.release();
      call.fail(RpcException.Code.UNAVAILABLE, "failed: the connection to " + address
          + " closed before the request was sent. The next call reconnects");
      return;
    }
    long seq = ++lastSequence;
    Frames.setSequence(request, request.readerIndex(), seq);
    pending.put(seq, call);
    call.sent(this, seq);
    channel.writeAndFlush(request).addListener(call);
  }

  /** Routes a RESPONSE or ERROR frame to its call; runs on the event loop. */
  void onResponse(Frame frame) {
    PendingCall call = pending.remove(frame.sequence());
    if (call == null) {
      // Late: the call timed out or was cancelled. Nobody is waiting.
      frame.release();
      return;
    }
    call.complete(frame);
  }

  /**
   * Drops an ended call from the table, from any thread. A call still in the table ended without
   * its response (it timed out or was cancelled), so the server is told to stop working on it.
   */
  void forget(PendingCall call) {
    if (loop.inEventLoop()) {
      if (pending.remove(call.sequence()) != null && channel.isActive()) {
        sendCancel(call.sequence());
      }
    } else {
      try {
        loop.execute(() -> forget(call));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The client is closing; the table goes with it.
      }
    }
  }

  private void sendCancel(long seq) {
    ByteBuf buf = channel.alloc().ioBuffer(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER);
    int start = Frames.begin(buf, FrameType.CANCEL, (byte) 0, seq);
    Frames.endHeader(buf, start);
    Frames.finish(buf, start);
    channel.writeAndFlush(buf, channel.voidPromise());
  }

  /** Fails every pending call; runs on the event loop when the channel goes inactive. */
  void failAll() {
    if (pending.isEmpty()) {
      return;
    }
    List<PendingCall> calls = new ArrayList<>(pending.values());
    pending.clear();
    String message =
        closeCode == RpcException.Code.CANCELLED
            ? "was cancelled: the client was closed while the call was pending"
            : "failed: the connection to " + address + " was lost before the response arrived."
                + " The server may have stopped or crashed, and the call may or may not have run."
                + " The next call reconnects";
    for (PendingCall call : calls) {
      call.fail(closeCode, message);
    }
  }

  /** Closes the channel, failing pending calls with CANCELLED; from any thread. */
  void closeLocally() {
    if (loop.inEventLoop()) {
      closeCode = RpcException.Code.CANCELLED;
      channel.close();
    } else {
      loop.execute(this::closeLocally);
    }
  }
}
