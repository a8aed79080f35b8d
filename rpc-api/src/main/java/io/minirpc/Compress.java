package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Compresses the requests and answers of this method (or of every method of this interface),
 * overriding the client's {@code minirpc.compression}. Large answers, such as a page of records
 * or a listing, are where it pays.
 *
 * <pre>{@code
 * public interface Catalog {
 *   @Compress("gzip")
 *   List<Item> page(int number);
 *
 *   @Compress(Compress.NONE)   // photos are compressed already
 *   byte[] photo(String item);
 * }
 * }</pre>
 *
 * <p>The client compresses the method's requests and the server its answers, each only when the
 * receiver named that compressor in its handshake and the body is at least {@code
 * minirpc.compression.minSize} bytes (default 1 KiB): small calls never pay for it, and a peer
 * without the compressor gets the body uncompressed. {@code gzip} is built in; {@code lz4} needs
 * {@code io.minirpc:rpc-compression-lz4} on both sides. A name that is not installed fails {@code
 * register} on a server and {@code proxy} on a client, naming the module to add.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Compress {
  /** The name that turns compression off for a method, whatever the client's setting. */
  String NONE = "none";

  /**
   * The compressor: {@code "gzip"}, {@code "lz4"} with its module, another installed one, or
   * {@link #NONE}.
   *
   * @return the compressor's name
   */
  String value();
}
