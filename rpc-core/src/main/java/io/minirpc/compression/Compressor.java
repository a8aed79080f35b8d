package io.minirpc.compression;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A compression format for frame bodies, installed by putting its module on the classpath.
 *
 * <p>{@code gzip} is built in. Other formats are found with {@link java.util.ServiceLoader}: a
 * module lists its implementation in {@code META-INF/services/io.minirpc.compression.Compressor}
 * ({@code io.minirpc:rpc-compression-lz4} ships {@code lz4}). Each side names the compressors it
 * has in its handshake, and a body is only ever compressed with one the receiver named. Users
 * choose one by name: per client with {@code minirpc.compression}, per method with {@link
 * io.minirpc.Compress @Compress}.
 *
 * <p>One instance serves every thread of the JVM: implementations must be thread-safe, and should
 * reuse what is costly to create (a native stream, a hash table) rather than make it per call.
 *
 * <p>{@link #decompress} reads bytes from the network: it must never write outside {@code out},
 * never read outside {@code in}, and fail with an {@link IOException}, not hang or loop, on any
 * input, however it was built. minirpc bounds what it costs: it sizes {@code out} from the
 * uncompressed length the sender declared, which is checked against the receiver's maximum frame
 * size and charged to its memory budget before this is called.
 */
public interface Compressor {

  /**
   * The name users write in {@code minirpc.compression} and {@code @Compress}, such as {@code
   * "gzip"}: lower case, unique among installed compressors, and never {@code "none"}.
   *
   * @return the compressor's name
   */
  String name();

  /**
   * The id written in every body this compressor compresses: unique among installed compressors
   * and never reused for another format. Ids 1 to 15 are reserved for compressors minirpc ships
   * ({@code gzip} is 1, {@code lz4} 2, {@code zstd} 3); use 16 to 255 for your own.
   *
   * @return the wire id, from 1 to 255
   */
  int id();

  /**
   * Compresses all of {@code in}'s remaining bytes into {@code out}, advancing both positions.
   *
   * @param in the body to compress
   * @param out room for the result: the body goes compressed only when the result fits here,
   *     which is smaller than {@code in}
   * @return the bytes written to {@code out}, or -1 if the result does not fit (the body then goes
   *     uncompressed); what {@code out} holds after -1 is ignored
   * @throws IOException if compressing fails
   */
  int compress(ByteBuffer in, ByteBuffer out) throws IOException;

  /**
   * Decompresses all of {@code in}'s remaining bytes, which must inflate to exactly {@code out}'s
   * remaining bytes, into {@code out}.
   *
   * @param in a compressed body, from the network
   * @param out exactly the room the sender declared for the uncompressed body
   * @throws IOException if {@code in} is malformed, inflates to more or fewer bytes than {@code
   *     out} has room for, or has bytes after its end
   */
  void decompress(ByteBuffer in, ByteBuffer out) throws IOException;
}
