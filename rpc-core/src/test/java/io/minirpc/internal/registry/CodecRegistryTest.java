package io.minirpc.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecRegistryTest {
  private static CodecProvider provider(String name, int id) {
    return new CodecProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public byte id() {
        return (byte) id;
      }

      @Override
      public String artifact() {
        return "test:" + name;
      }

      @Override
      public Codec create(CodecContext context) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static String refusal(CodecRegistry registry, String name) {
    return assertThrows(IllegalStateException.class, () -> registry.provider(name)).getMessage();
  }

  @Test
  void aKnownCodecThatIsNotInstalledNamesItsArtifact() {
    CodecRegistry json = new CodecRegistry(List.of(provider("json", 1)));
    assertEquals(
        "No codec named 'kryo' is installed (installed: json). Add io.minirpc:rpc-codec-binary to"
            + " the classpath, or set minirpc.codec=json.",
        refusal(json, "kryo"));
  }

  @Test
  void aMisspeltCodecSuggestsTheNearestInstalledOne() {
    CodecRegistry both = new CodecRegistry(List.of(provider("json", 1), provider("kryo", 2)));
    assertEquals(
        "No codec named 'jsno' is installed (installed: json, kryo): did you mean 'json'?",
        refusal(both, "jsno"));
    assertEquals(
        "No codec named 'kyro' is installed (installed: json, kryo): did you mean 'kryo'?",
        refusal(both, "kyro"));
  }

  @Test
  void aMisspeltCodecThatMinirpcShipsButIsNotInstalledNamesItsArtifact() {
    CodecRegistry json = new CodecRegistry(List.of(provider("json", 1)));
    assertEquals(
        "No codec named 'kyro' is installed (installed: json): did you mean 'kryo'? Add"
            + " io.minirpc:rpc-codec-binary to the classpath, or set minirpc.codec=json.",
        refusal(json, "kyro"));
  }

  @Test
  void anUnknownCodecFarFromEveryNameAsksForItsArtifact() {
    CodecRegistry json = new CodecRegistry(List.of(provider("json", 1)));
    assertEquals(
        "No codec named 'protobuf' is installed (installed: json). Add the artifact that provides"
            + " codec 'protobuf' to the classpath, or set minirpc.codec=json.",
        refusal(json, "protobuf"));
  }
}
