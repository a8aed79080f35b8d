package io.minirpc.codec;

/**
 * A wire format that can be installed by putting its module on the classpath.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}; a codec module lists its
 * provider in {@code META-INF/services/io.minirpc.codec.CodecProvider}. Providers must have a
 * public no-argument constructor and be cheap to construct: the work belongs in {@link #create}.
 *
 * <pre>{@code
 * public final class JsonCodecProvider implements CodecProvider {
 *   public String name() { return "json"; }
 *   public byte id() { return 1; }
 *   public Codec create(CodecContext context) { return new JsonCodec(context); }
 * }
 * }</pre>
 */
public interface CodecProvider {

  /**
   * The name users write in {@code minirpc.codec}, for example {@code "json"} or {@code "kryo"}.
   * Lower case, unique among installed providers.
   */
  String name();

  /**
   * The id written in every frame this codec encodes; unique among installed providers and never
   * reused for another format. Ids 1 to 15 are reserved for codecs shipped with minirpc ({@code
   * json} is 1, {@code kryo} is 2); use 16 and above for your own.
   */
  byte id();

  /**
   * The Maven coordinates of the artifact that ships this provider, used in error messages that
   * tell users what to add, for example {@code "io.minirpc:rpc-codec-json"}.
   */
  String artifact();

  /**
   * Creates a codec for one client or server. Called once per {@code RpcClient} or {@code
   * RpcServer}; the codec is then shared by all of its threads and must be thread-safe.
   */
  Codec create(CodecContext context);
}
