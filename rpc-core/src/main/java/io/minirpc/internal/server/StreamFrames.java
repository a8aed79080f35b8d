package io.minirpc.internal.server;

import io.minirpc.internal.protocol.Frame;

/**
 * Where a client's frames for a call's streams go: its CREDIT to the stream of answers, its ITEM
 * and END to the stream it sends; a call that ended has none, and they are dropped.
 */
final class StreamFrames {
  private StreamFrames() {}

  /**
   * The client granted {@code call}'s stream more; a call that ended (null) or that streams no
   * answers ignores it. Event loop.
   */
  static void credit(QueuedCall call, long items, long bytes) {
    ServerStreams streams = call == null ? null : call.streams();
    if (streams != null) {
      streams.credit(items, bytes);
    }
  }

  /**
   * An ITEM ({@code end} false) or the END of {@code call}'s stream from the client, which this
   * takes: false if the client had no right to send it, a protocol error. Late ones, for a call
   * that ended (null), are dropped. Event loop.
   */
  static boolean fromClient(QueuedCall call, Frame frame, boolean end) {
    ServerStreams streams = call == null ? null : call.streams();
    if (call == null || end || streams == null) {
      boolean empty = frame.isEmpty();
      frame.release();
      return call == null || end && empty && streams != null && streams.end();
    }
    return streams.item(frame);
  }
}
