package io.minirpc.internal.client;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one server ({@code minirpc.connections} of them, one {@link Subchannel}
 * each): which takes the next call, how many calls they carry, and what happens to all of them at
 * once. The {@link Endpoint} of the server decides when; this does it.
 */
final class Subchannels {
  private final Subchannel[] subchannels;
  private final AtomicInteger next = new AtomicInteger();

  Subchannels(Subchannel[] subchannels) {
    this.subchannels = subchannels;
  }

  /** A connection with a free permit, which the caller now holds, or {@code null}. */
  Connection acquire() {
    Subchannel[] s = subchannels;
    if (s.length == 1) {
      Connection c = s[0].ready();
      return c != null && c.tryAcquire() ? c : null;
    }
    int start = Math.floorMod(next.getAndIncrement(), s.length);
    for (int i = 0; i < s.length; i++) {
      Connection c = s[(start + i) % s.length].ready();
      if (c != null && c.tryAcquire()) {
        return c;
      }
    }
    return null;
  }

  /** The calls on the ready connections. */
  int inFlight() {
    int n = 0;
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null) {
        n += c.inFlight();
      }
    }
    return n;
  }

  /** The connections that take calls now. */
  List<Connection> usable() {
    List<Connection> out = new ArrayList<>();
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null && c.isUsable()) {
        out.add(c);
      }
    }
    return out;
  }

  /** Whether any connection takes calls now. */
  boolean anyUsable() {
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null && c.isUsable()) {
        return true;
      }
    }
    return false;
  }

  /** Lets every subchannel connect again; {@link #connect} then dials. */
  void wake() {
    for (Subchannel s : subchannels) {
      s.wake();
    }
  }

  /** Dials every subchannel that is awake and not connected. */
  void connect() {
    for (Subchannel s : subchannels) {
      s.connect();
    }
  }

  /** Every subchannel closes its connection once idle, and dials no more until woken. */
  void idle() {
    for (Subchannel s : subchannels) {
      s.idle();
    }
  }

  /** The channels open now. */
  List<Channel> channels() {
    List<Channel> channels = new ArrayList<>();
    for (Subchannel s : subchannels) {
      channels.addAll(s.channels());
    }
    return channels;
  }

  /** Every connection takes no new call and closes once its calls have ended. */
  void drain() {
    for (Channel ch : channels()) {
      ClientHandler h = ch.pipeline().get(ClientHandler.class);
      if (h != null) {
        h.connection().drain();
      } else {
        ch.close();
      }
    }
  }

  /** Closes every connection now; returns their channels, to wait for. */
  List<Channel> close() {
    List<Channel> channels = channels();
    for (Channel ch : channels) {
      ClientHandler h = ch.pipeline().get(ClientHandler.class);
      if (h != null) {
        h.connection().closeLocally();
      } else {
        ch.close();
      }
    }
    return channels;
  }
}
