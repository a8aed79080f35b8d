package io.minirpc.internal.compression;

import io.minirpc.compression.Compressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The built-in compressor: gzip (RFC 1952) from the JDK's zlib. It writes a 10-byte header, raw
 * deflate at the fastest level (the point is fewer bytes on the wire at little CPU, and the
 * fastest level already finds the repetition in a page of records), and the CRC-32 and length
 * trailer; it reads any gzip member, checking both. Deflaters and inflaters hold native memory
 * and take microseconds to make, so a few are kept for reuse.
 */
public final class Gzip implements Compressor {
  public static final int ID = 1;

  private static final int HEADER = 10;
  private static final int TRAILER = 8;
  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int RESERVED = 0xE0;
  private static final byte[] OUR_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 4, (byte) 0xff};
  /** Kept for reuse beyond this many are ended: more threads than this rarely compress at once. */
  private static final int KEPT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  /** The one instance; the registry always has it. After the constants it needs. */
  public static final Gzip INSTANCE = new Gzip();

  private final ArrayBlockingQueue<Deflater> deflaters = new ArrayBlockingQueue<>(KEPT);
  private final ArrayBlockingQueue<Inflater> inflaters = new ArrayBlockingQueue<>(KEPT);

  private Gzip() {}

  @Override
  public String name() {
    return "gzip";
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public int compress(ByteBuffer in, ByteBuffer out) throws IOException {
    int start = out.position();
    if (out.remaining() < HEADER + TRAILER + 1) {
      return -1;
    }
    CRC32 crc = new CRC32();
    crc.update(in.duplicate());
    int length = in.remaining();
    out.put(OUR_HEADER);
    Deflater d = deflaters.poll();
    if (d == null) {
      d = new Deflater(Deflater.BEST_SPEED, true);
    }
    try {
      d.setInput(in);
      d.finish();
      while (!d.finished()) {
        if (out.remaining() <= TRAILER) {
          return -1; // it would not be smaller
        }
        ByteBuffer room = out.slice().limit(out.remaining() - TRAILER);
        int n = d.deflate(room);
        out.position(out.position() + n);
      }
    } finally {
      d.reset();
      if (!deflaters.offer(d)) {
        d.end();
      }
    }
    out.order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).putInt(length)
        .order(ByteOrder.BIG_ENDIAN);
    return out.position() - start;
  }

  @Override
  public void decompress(ByteBuffer in, ByteBuffer out) throws IOException {
    skipHeader(in);
    int outStart = out.position();
    int expected = out.remaining();
    Inflater inflater = inflaters.poll();
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    try {
      inflater.setInput(in);
      while (!inflater.finished()) {
        int n;
        try {
          n = inflater.inflate(out);
        } catch (DataFormatException e) {
          throw new IOException("malformed gzip data: " + e.getMessage(), e);
        }
        if (n == 0 && !inflater.finished()) {
          if (!out.hasRemaining()) {
            throw new IOException("the gzip data inflates to more than the " + expected
                + " bytes its sender declared");
          }
          if (inflater.needsInput()) {
            throw new IOException("the gzip data ends before its deflate stream does");
          }
          if (inflater.needsDictionary()) {
            throw new IOException("the gzip data asks for a preset dictionary");
          }
        }
      }
    } finally {
      inflater.reset();
      if (!inflaters.offer(inflater)) {
        inflater.end();
      }
    }
    if (out.hasRemaining()) {
      throw new IOException("the gzip data inflates to " + (out.position() - outStart)
          + " bytes, fewer than the " + expected + " its sender declared");
    }
    if (in.remaining() != TRAILER) {
      throw new IOException("the gzip data has " + in.remaining() + " bytes after its deflate"
          + " stream, not the " + TRAILER + "-byte trailer");
    }
    in.order(ByteOrder.LITTLE_ENDIAN);
    int crcSent = in.getInt();
    int lengthSent = in.getInt();
    in.order(ByteOrder.BIG_ENDIAN);
    CRC32 crc = new CRC32();
    crc.update(out.duplicate().flip().position(outStart));
    if ((int) crc.getValue() != crcSent) {
      throw new IOException("the gzip data fails its CRC-32 check");
    }
    if (lengthSent != expected) {
      throw new IOException("the gzip trailer gives a length of " + Integer.toUnsignedLong(lengthSent)
          + " bytes, not the " + expected + " its sender declared");
    }
  }

  /** Reads the member header, with whatever optional fields it has. */
  private static void skipHeader(ByteBuffer in) throws IOException {
    need(in, HEADER);
    if ((in.get() & 0xff) != 0x1f || (in.get() & 0xff) != 0x8b) {
      throw new IOException("the body is not gzip data: it lacks gzip's magic number");
    }
    if (in.get() != 8) {
      throw new IOException("the gzip data uses a compression method other than deflate");
    }
    int flags = in.get() & 0xff;
    if ((flags & RESERVED) != 0) {
      throw new IOException("the gzip header sets reserved flags");
    }
    in.position(in.position() + 6); // time, extra flags, system
    if ((flags & FEXTRA) != 0) {
      need(in, 2);
      int length = (in.get() & 0xff) | (in.get() & 0xff) << 8;
      need(in, length);
      in.position(in.position() + length);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated(in);
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated(in);
    }
    if ((flags & FHCRC) != 0) {
      need(in, 2);
      in.position(in.position() + 2);
    }
  }

  private static void skipZeroTerminated(ByteBuffer in) throws IOException {
    while (in.hasRemaining()) {
      if (in.get() == 0) {
        return;
      }
    }
    throw new IOException("the gzip header ends inside a name or comment");
  }

  private static void need(ByteBuffer in, int bytes) throws IOException {
    if (in.remaining() < bytes) {
      throw new IOException("the gzip data is truncated in its header");
    }
  }
}
