package io.minirpc.it;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that speaks minirpc's wire format (docs/PROTOCOL.md) with plain sockets, to attack a
 * client: it answers the client's HELLO with a HELLO of its choosing, and every REQUEST with the
 * same RESPONSE body, whatever was asked. One thread per connection; closed with the test.
 */
final class HostileServer implements AutoCloseable {
  private final ServerSocket socket;
  private final byte[] helloHeader;
  private final byte[] responseBody;
  /** The flags of every RESPONSE: 0x02 says its body is compressed. */
  private int responseFlags;
  /** What every call is answered with: a RESPONSE of codec 1, or another frame. */
  private int replyType = RawConnection.RESPONSE;
  private int replyCodec = 1;
  private byte[] replyHeader = new byte[0];
  /** ITEM frames (or frames of {@link #preludeType}) sent before each RESPONSE, and their body. */
  private int preludeType = RawConnection.ITEM;
  private int items;
  private byte[] item;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor;

  private HostileServer(byte[] helloHeader, byte[] responseBody) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.helloHeader = helloHeader;
    this.responseBody = responseBody;
    this.acceptor = new Thread(this::accept, "hostile-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A server with an ordinary HELLO that answers every call with {@code responseBody}. */
  static HostileServer answering(byte[] responseBody) throws IOException {
    return new HostileServer(helloHeader(0, 0, 0), responseBody);
  }

  /**
   * A server with an ordinary HELLO that answers every call with {@code body} flagged compressed:
   * the compressor id, the length it declares, then {@code compressed}.
   */
  static HostileServer answeringCompressed(int compressorId, int declared, byte[] compressed)
      throws IOException {
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(5 + compressed.length);
    body.put((byte) compressorId).putInt(declared).put(compressed);
    HostileServer server = new HostileServer(helloHeader(0, 0, 0), body.array());
    server.responseFlags = 0x02;
    return server;
  }

  /**
   * A server with an ordinary HELLO that answers every call with an ERROR frame: {@code header},
   * then {@code body} of codec {@code codec}, with {@code flags}.
   */
  static HostileServer erroring(byte[] header, int codec, int flags, byte[] body)
      throws IOException {
    HostileServer server = new HostileServer(helloHeader(0, 0, 0), body);
    server.replyType = RawConnection.ERROR;
    server.replyCodec = codec;
    server.replyHeader = header;
    server.responseFlags = flags;
    return server;
  }

  /**
   * A server that speaks streams and answers every call with {@code items} ITEM frames of {@code
   * item}, whatever credit the client granted, then the RESPONSE that ends the stream.
   */
  static HostileServer streaming(int items, byte[] item) throws IOException {
    byte[] hello = helloHeader(0, 0, 0);
    hello[hello.length - 3] = 0x05; // flags: details withheld, speaks streams
    HostileServer server = new HostileServer(hello, slot("null".getBytes(StandardCharsets.UTF_8)));
    server.items = items;
    server.item = item;
    return server;
  }

  /**
   * A server that speaks streams and sends an END frame with {@code body} for every call before
   * its RESPONSE: an END for a call whose client sends no stream, or one that is not empty.
   */
  static HostileServer ending(byte[] body) throws IOException {
    HostileServer server = streaming(1, body);
    server.preludeType = RawConnection.END;
    return server;
  }

  /** A server that answers the handshake with {@code helloHeader}, and calls with null. */
  static HostileServer greeting(byte[] helloHeader) throws IOException {
    return new HostileServer(helloHeader, slot("null".getBytes(StandardCharsets.UTF_8)));
  }

  int port() {
    return socket.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  /** REQUEST frames received so far. */
  int requests() {
    return requests.get();
  }

  /**
   * A server HELLO speaking json (id 1) with 16 MiB frames and details withheld (so the client
   * compares no signatures), with {@code services} services of {@code methodsEach} methods of
   * {@code padding} more bytes each before that.
   */
  static byte[] helloHeader(int services, int methodsEach, int padding) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeByte(1);
    h.writeByte(1);
    h.writeInt(16 * 1024 * 1024);
    h.writeLong(0);
    h.writeLong(0);
    h.writeInt(0);
    h.writeShort(1);
    h.writeByte(1);
    writeString(h, "json");
    h.writeShort(0); // allowed classes
    h.writeShort(services);
    String pad = "m".repeat(padding);
    for (int s = 0; s < services; s++) {
      writeString(h, "S" + s);
      h.writeShort(methodsEach);
      for (int m = 0; m < methodsEach; m++) {
        writeString(h, pad + Integer.toString(m, 36));
        writeString(h, "");
        h.writeLong(m);
      }
    }
    h.writeShort(0); // shapes
    h.writeByte(0x01); // flags: details withheld
    h.writeShort(0); // metadata
    return header.toByteArray();
  }

  /** One slot holding {@code value}. */
  static byte[] slot(byte[] value) {
    byte[] slot = new byte[4 + value.length];
    slot[0] = (byte) (value.length >>> 24);
    slot[1] = (byte) (value.length >>> 16);
    slot[2] = (byte) (value.length >>> 8);
    slot[3] = (byte) value.length;
    System.arraycopy(value, 0, slot, 4, value.length);
    return slot;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "hostile-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
      while (true) {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        int type = frame[3];
        long seq = 0;
        for (int i = 6; i < 14; i++) {
          seq = (seq << 8) | (frame[i] & 0xFF);
        }
        if (type == RawConnection.HELLO) {
          write(out, RawConnection.HELLO, 0, 0, helloHeader, new byte[0]);
        } else if (type == RawConnection.REQUEST) {
          requests.incrementAndGet();
          for (int i = 0; i < items; i++) {
            out.write(RawConnection.frameBytes(preludeType, 1, seq, new byte[0], item));
          }
          byte[] response = RawConnection.frameBytes(replyType, replyCodec, seq, replyHeader,
              responseBody);
          response[9] = (byte) responseFlags;
          out.write(response);
          out.flush();
        } else if (type == RawConnection.PING) {
          write(out, RawConnection.PONG, 0, seq, new byte[0], new byte[0]);
        }
      }
    } catch (IOException e) {
      // the client closed the connection, or the test the server
    }
  }

  private static void write(OutputStream out, int type, int codec, long seq, byte[] header,
      byte[] body) throws IOException {
    out.write(RawConnection.frameBytes(type, codec, seq, header, body));
    out.flush();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
