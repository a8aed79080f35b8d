/**
 * The compression SPI: how a compression format for frame bodies plugs into minirpc.
 *
 * <p>{@code gzip} (from the JDK) is built in; a module adds another by shipping a {@link
 * io.minirpc.compression.Compressor} listed in {@code
 * META-INF/services/io.minirpc.compression.Compressor}. Both sides name what they have in their
 * handshake, and a body is compressed only with a compressor its receiver named, so a client and
 * a server with different compressors, or a peer without compression, still talk: their bodies
 * simply go uncompressed. See docs/compression.md.
 */
package io.minirpc.compression;
