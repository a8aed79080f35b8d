package io.minirpc.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain socket that writes frames byte by byte, as docs/PROTOCOL.md describes them, with no
 * minirpc code involved: the tests' independent check of the wire format.
 */
final class RawConnection implements AutoCloseable {
  static final int REQUEST = 1;
  static final int RESPONSE = 2;
  static final int ERROR = 3;
  static final int CANCEL = 4;
  static final int PING = 5;
  static final int PONG = 6;
  static final int GOAWAY = 7;
  static final int HELLO = 8;
  static final int ITEM = 9;
  static final int CREDIT = 10;
  static final int END = 11;
  /** A REQUEST's body of one empty (null) slot: that of a stream parameter. */
  static final byte[] NULL_SLOT_BODY = {-1, -1, -1, -1};

  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;

  /** Connects and completes the handshake: a HELLO each way. */
  RawConnection(int port) throws IOException {
    this(port, true);
  }

  RawConnection(int port, boolean handshake) throws IOException {
    this(port, handshake, "127.0.0.1");
  }

  /** Connects from {@code localAddress} (any of 127.0.0.0/8 on Linux), to look like another host. */
  RawConnection(int port, boolean handshake, String localAddress) throws IOException {
    this(java.net.InetAddress.getByName("127.0.0.1"), port, handshake,
        java.net.InetAddress.getByName(localAddress));
  }

  /** Connects to {@code server} from {@code localAddress}: IPv6 as well as IPv4. */
  RawConnection(java.net.InetAddress server, int port, boolean handshake,
      java.net.InetAddress localAddress) throws IOException {
    socket = new Socket(server, port, localAddress, 0);
    socket.setSoTimeout(5000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
    if (handshake) {
      hello();
      Reply reply = read();
      if (reply.type() != HELLO) {
        throw new IOException("the server answered HELLO with frame type " + reply.type());
      }
    }
  }

  /**
   * A client HELLO: protocol 1 only, 16 MiB frames, no heartbeat, codec json (id 1), and the
   * flag that says it speaks streams.
   */
  void hello() throws IOException {
    frame(HELLO, 0, 0, helloHeader(1, 1, java.util.Map.of(), "json"), new byte[0]);
  }

  /** The header of a client HELLO speaking versions {@code min..max} and these codecs. */
  static byte[] helloHeader(int min, int max, String... codecs) throws IOException {
    return helloHeader(min, max, null, codecs);
  }

  /**
   * The header of a client HELLO that ends with the optional section: flags 0x04 (it speaks
   * streams) and {@code metadata}; without that section if {@code metadata} is null (the older
   * layout, which has no flags: an older client's).
   */
  static byte[] helloHeader(int min, int max, java.util.Map<String, String> metadata,
      String... codecs) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeByte(min); // min version
    h.writeByte(max); // max version
    h.writeInt(16 * 1024 * 1024); // max frame size
    h.writeLong(0); // heartbeat interval
    h.writeLong(0); // idle timeout
    h.writeInt(0); // max calls per connection (a server's setting)
    h.writeShort(codecs.length); // codecs
    for (int i = 0; i < codecs.length; i++) {
      h.writeByte(i + 1);
      writeString(h, codecs[i]);
    }
    h.writeShort(0); // allowed classes
    h.writeShort(0); // services
    h.writeShort(0); // shapes
    if (metadata != null) {
      h.writeByte(0x04); // flags: speaks streams
      h.writeShort(metadata.size());
      for (java.util.Map.Entry<String, String> e : metadata.entrySet()) {
        writeString(h, e.getKey());
        writeString(h, e.getValue());
      }
    }
    return header.toByteArray();
  }

  /**
   * A server's HELLO, read from its header as docs/PROTOCOL.md draws it.
   *
   * @param services each service's name and its method keys
   * @param flags the optional section's flags, 0 if it has none
   */
  record ServerHello(List<String> codecs, List<String> allowed,
      java.util.Map<String, List<String>> services, int shapes, int flags) {
    static ServerHello parse(byte[] header) throws IOException {
      DataInputStream h = new DataInputStream(new java.io.ByteArrayInputStream(header));
      h.readUnsignedByte(); // min version
      h.readUnsignedByte(); // max version
      h.readInt(); // max frame size
      h.readLong(); // heartbeat
      h.readLong(); // idle timeout
      h.readInt(); // max calls
      List<String> codecs = new ArrayList<>();
      for (int n = h.readUnsignedShort(), i = 0; i < n; i++) {
        h.readByte();
        codecs.add(readString(h));
      }
      List<String> allowed = new ArrayList<>();
      for (int n = h.readUnsignedShort(), i = 0; i < n; i++) {
        allowed.add(readString(h));
      }
      java.util.Map<String, List<String>> services = new java.util.LinkedHashMap<>();
      for (int n = h.readUnsignedShort(), i = 0; i < n; i++) {
        String name = readString(h);
        List<String> keys = new ArrayList<>();
        for (int m = h.readUnsignedShort(), j = 0; j < m; j++) {
          keys.add(readString(h));
          readString(h); // signature
          h.readLong(); // digest
        }
        services.put(name, keys);
      }
      int shapes = h.readUnsignedShort();
      for (int i = 0; i < shapes; i++) {
        readString(h);
        readString(h);
      }
      int flags = h.available() > 0 ? h.readUnsignedByte() : 0;
      return new ServerHello(codecs, allowed, services, shapes, flags);
    }
  }

  void writeRaw(byte[] bytes) throws IOException {
    writeRaw(bytes, bytes.length);
  }

  /** The first {@code length} bytes of {@code bytes}: a frame cut short, for instance. */
  void writeRaw(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
    out.flush();
  }

  /** Writes on a thread of its own: the server may stop reading, or close, halfway. */
  Thread writeInBackground(byte[] bytes) {
    return writeInBackground(bytes, bytes.length);
  }

  /** The first {@code length} bytes of {@code bytes}, on a thread of its own. */
  Thread writeInBackground(byte[] bytes, int length) {
    Thread t = new Thread(() -> {
      try {
        writeRaw(bytes, length);
      } catch (IOException expected) {
        // closed by the server: what the test wants
      }
    }, "hostile-writer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** How long a read waits before it fails (5 s unless set). */
  void readTimeout(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
  }

  /** A REQUEST frame for {@code service.method} whose body is the given slots. */
  void request(int codec, long seq, String service, String method, byte[]... slots)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    for (byte[] slot : slots) {
      b.writeInt(slot.length);
      b.write(slot);
    }
    requestWithBody(codec, seq, service, method, body.toByteArray());
  }

  /**
   * The bytes of a REQUEST frame flagged compressed (0x02), whose body is the compressor id, the
   * length {@code declared} and {@code compressed}, given byte for byte.
   */
  static byte[] compressedRequestBytes(int codec, long seq, String service, String method,
      int compressorId, int declared, byte[] compressed) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    writeString(h, service);
    writeString(h, method);
    h.writeLong(30_000_000_000L);
    h.writeShort(0);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    b.writeByte(compressorId);
    b.writeInt(declared);
    b.write(compressed);
    byte[] frame = frameBytes(REQUEST, codec, seq, header.toByteArray(), body.toByteArray());
    frame[9] = 0x02; // flags: COMPRESSED
    return frame;
  }

  /** A REQUEST frame with a body given byte for byte. */
  void requestWithBody(int codec, long seq, String service, String method, byte[] body)
      throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    writeString(h, service);
    writeString(h, method);
    h.writeLong(5_000_000_000L);
    h.writeShort(0);
    frame(REQUEST, codec, seq, header.toByteArray(), body);
  }

  void frame(int type, int codec, long seq, byte[] header, byte[] body) throws IOException {
    out.write(frameBytes(type, codec, seq, header, body));
    out.flush();
  }

  /** The bytes of a REQUEST frame, to write many at once with {@link #writeRaw}. */
  static byte[] requestBytes(int codec, long seq, String service, String method, byte[]... slots)
      throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    writeString(h, service);
    writeString(h, method);
    h.writeLong(30_000_000_000L);
    h.writeShort(0);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    for (byte[] slot : slots) {
      b.writeInt(slot.length);
      b.write(slot);
    }
    return frameBytes(REQUEST, codec, seq, header.toByteArray(), body.toByteArray());
  }

  /** The bytes of a REQUEST frame carrying {@code metadata}, whose body is the given slots. */
  static byte[] requestBytes(int codec, long seq, String service, String method,
      java.util.Map<String, String> metadata, byte[]... slots) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    writeString(h, service);
    writeString(h, method);
    h.writeLong(30_000_000_000L);
    h.writeShort(metadata.size());
    for (java.util.Map.Entry<String, String> e : metadata.entrySet()) {
      writeString(h, e.getKey());
      writeString(h, e.getValue());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    for (byte[] slot : slots) {
      b.writeInt(slot.length);
      b.write(slot);
    }
    return frameBytes(REQUEST, codec, seq, header.toByteArray(), body.toByteArray());
  }

  /** The header of a CREDIT frame: {@code items} and {@code bytes} more. */
  static byte[] credit(long items, long bytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeLong(items);
    d.writeLong(bytes);
    return b.toByteArray();
  }

  static byte[] frameBytes(int type, int codec, long seq, byte[] header, byte[] body)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(22 + header.length + body.length);
    DataOutputStream f = new DataOutputStream(bytes);
    f.writeInt(18 + header.length + body.length);
    f.writeShort(0x4D52);
    f.writeByte(1);
    f.writeByte(type);
    f.writeByte(codec);
    f.writeByte(0);
    f.writeLong(seq);
    f.writeInt(header.length);
    f.write(header);
    f.write(body);
    return bytes.toByteArray();
  }

  /** A frame read back: its type, sequence, header and body bytes, and its flags. */
  record Reply(int type, long seq, byte[] header, byte[] body, int flags) {
    /** Whether the server says the call never ran (FLAG_NOT_RUN), so it may be sent again. */
    boolean notRun() {
      return (flags & 0x01) != 0;
    }

    /** The reason a GOAWAY gives; fails if this is another frame. */
    String goAwayReason() {
      if (type != GOAWAY) {
        throw new AssertionError("expected a GOAWAY, got frame type " + type);
      }
      int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
      return new String(header, 2, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    int errorCode() {
      return ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
          | (header[3] & 0xFF);
    }

    String errorMessage() throws IOException {
      DataInputStream h = new DataInputStream(new java.io.ByteArrayInputStream(header));
      h.readInt();
      readString(h);
      return readString(h);
    }

    /** The items a CREDIT grants. */
    long creditItems() {
      return java.nio.ByteBuffer.wrap(header).getLong(0);
    }

    /** The bytes a CREDIT grants. */
    long creditBytes() {
      return java.nio.ByteBuffer.wrap(header).getLong(8);
    }

    /** The body's one slot, as text (JSON). */
    String slotText() {
      return new String(body, 4, body.length - 4, StandardCharsets.UTF_8);
    }
  }

  Reply read() throws IOException {
    int length = in.readInt();
    byte[] frame = new byte[length];
    in.readFully(frame);
    DataInputStream f = new DataInputStream(new java.io.ByteArrayInputStream(frame));
    f.readShort();
    f.readByte();
    int type = f.readByte();
    f.readByte();
    int flags = f.readUnsignedByte();
    long seq = f.readLong();
    int headerLength = f.readInt();
    byte[] header = new byte[headerLength];
    f.readFully(header);
    byte[] body = f.readAllBytes();
    return new Reply(type, seq, header, body, flags);
  }

  /** Whether the server closed the connection within the socket timeout. */
  /** Bytes that can be read now without waiting. */
  int available() throws IOException {
    return in.available();
  }

  boolean closedByPeer() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readUnsignedShort()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
