package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.WriteBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of one connection that have not ended, by sequence number, and the way their answers
 * leave: in batches, each call finished once its answer is written.
 */
final class ConnectionCalls {
  private final Channel channel;
  private final Map<Long, InboundCall> calls = new ConcurrentHashMap<>();
  private final WriteBatcher<Outgoing> out;

  ConnectionCalls(Channel channel) {
    this.channel = channel;
    this.out = new WriteBatcher<>(channel, o -> Outgoing.write(channel, o), Outgoing::reject);
  }

  Channel channel() {
    return channel;
  }

  /** Calls that have not ended. */
  int size() {
    return calls.size();
  }

  void add(long seq, InboundCall call) {
    calls.put(seq, call);
  }

  void remove(long seq, InboundCall call) {
    calls.remove(seq, call);
  }

  /** The client gave up on call {@code seq}; a number it does not know is ignored. */
  void cancel(long seq) {
    InboundCall call = calls.get(seq);
    if (call != null) {
      call.cancel();
    }
  }

  /** The client is gone: nobody will read what its calls produce. */
  void cancelAll() {
    for (InboundCall call : calls.values()) {
      call.cancel();
    }
  }

  /** Ends every call still open with {@code code} and stops them. */
  void abortAll(RpcException.Code code, String message) {
    for (InboundCall call : calls.values()) {
      call.abort(code, message);
    }
  }

  /** Sends an answer; {@code call}, if not null, is finished once it is written. Any thread. */
  void send(ByteBuf frame, InboundCall call) {
    out.add(new Outgoing(frame, call));
  }

  /** Answers call {@code seq} with a refusal made before any of it ran (NOT_RUN). */
  void refuse(long seq, RpcException refusal) {
    ErrorInfo info = new ErrorInfo(refusal.code().wireNumber(), "", refusal.getMessage(), List.of());
    send(info.toFrame(channel.alloc(), seq, Protocol.FLAG_NOT_RUN), null);
  }

  /** A frame on its way out, and the call it ends (if any), to finish once it is written. */
  private record Outgoing(ByteBuf frame, InboundCall call) {
    /** Writes without flushing; the batcher flushes. Event loop. */
    static void write(Channel channel, Outgoing o) {
      if (o.call == null) {
        channel.write(o.frame, channel.voidPromise());
      } else {
        channel.write(o.frame, channel.newPromise().addListener(o.call));
      }
    }

    /** The channel's event loop is gone: free the frame, end the call. */
    static void reject(Outgoing o) {
      o.frame.release();
      if (o.call != null) {
        o.call.operationComplete(null);
      }
    }
  }
}
