package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.discovery.ServerInstance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeFormatTest {
  private static final ServerInstance SERVER = new ServerInstance("10.0.0.7", 4242, 150,
      List.of("json", "kryo"),
      Map.of("com.example.Calculator", Map.of("add(int,int)", 0x05156e9bf4b7c343L,
          "divide(int,int)", -2L)),
      Map.of("zone", "eu-1", "version", "2.3"));

  private static String refused(String json) {
    return assertThrows(IllegalArgumentException.class,
        () -> NodeFormat.read(json.getBytes(StandardCharsets.UTF_8))).getMessage();
  }

  @Test
  void aServerIsOneVersionedJsonObjectWithSortedKeys() {
    assertEquals("{\"kind\":\"minirpc-server\",\"version\":1,\"host\":\"10.0.0.7\","
        + "\"port\":4242,\"weight\":150,\"codecs\":[\"json\",\"kryo\"],"
        + "\"services\":{\"com.example.Calculator\":{\"add(int,int)\":\"05156e9bf4b7c343\","
        + "\"divide(int,int)\":\"fffffffffffffffe\"}},"
        + "\"attributes\":{\"version\":\"2.3\",\"zone\":\"eu-1\"}}",
        new String(NodeFormat.write(SERVER), StandardCharsets.UTF_8));
  }

  @Test
  void whatIsWrittenReadsBackTheSame() {
    assertEquals(SERVER, NodeFormat.read(NodeFormat.write(SERVER)));
    ServerInstance bare = ServerInstance.of("::1", 1);
    assertEquals(bare, NodeFormat.read(NodeFormat.write(bare)));
  }

  @Test
  void fieldsAddedLaterAreIgnoredAndMissingOptionalOnesDefault() {
    assertEquals(ServerInstance.of("h", 1), NodeFormat.read(("{\"kind\":\"minirpc-server\","
        + "\"version\":1,\"host\":\"h\",\"port\":1,\"healthUrl\":\"http://h/\"}")
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anythingElseIsRefusedSayingWhat() {
    assertEquals("it is not a JSON object", refused("[1]"));
    assertEquals("its kind is not \"minirpc-server\"", refused("{\"version\":1}"));
    assertEquals("it has no version", refused("{\"kind\":\"minirpc-server\"}"));
    assertEquals("it is in version 2 of the format, and this minirpc reads version 1 (a newer"
        + " minirpc wrote it?)", refused("{\"kind\":\"minirpc-server\",\"version\":2}"));
    String v1 = "{\"kind\":\"minirpc-server\",\"version\":1,";
    assertEquals("it has no host", refused(v1 + "\"port\":1}"));
    assertEquals("its port is not a whole number", refused(v1 + "\"host\":\"h\"}"));
    assertEquals("port (0) must be between 1 and 65535",
        refused(v1 + "\"host\":\"h\",\"port\":0}"));
    assertEquals("weight (0) must be at least 1",
        refused(v1 + "\"host\":\"h\",\"port\":1,\"weight\":0}"));
    assertEquals("its codecs is not an array",
        refused(v1 + "\"host\":\"h\",\"port\":1,\"codecs\":\"json\"}"));
    assertEquals("the fingerprint of S.m() is not 16 hexadecimal digits",
        refused(v1 + "\"host\":\"h\",\"port\":1,\"services\":{\"S\":{\"m()\":12}}}"));
    assertEquals("the fingerprint of S.m() is not 16 hexadecimal digits",
        refused(v1 + "\"host\":\"h\",\"port\":1,"
            + "\"services\":{\"S\":{\"m()\":\"zz00000000000000\"}}}"));
    assertEquals("attribute a is not a string",
        refused(v1 + "\"host\":\"h\",\"port\":1,\"attributes\":{\"a\":1}}"));
  }

  @Test
  void aWeightAboveTheMaximumCountsAsTheMaximumWithAWarning() {
    List<String> warnings = new java.util.ArrayList<>();
    ServerInstance s = NodeFormat.read(("{\"kind\":\"minirpc-server\",\"version\":1,"
        + "\"host\":\"h\",\"port\":1,\"weight\":2147483647}")
        .getBytes(StandardCharsets.UTF_8), warnings::add);
    assertEquals(ServerInstance.MAX_WEIGHT, s.weight());
    assertEquals(List.of("its weight 2147483647 is more than 1000, the most a server may have;"
        + " counted as 1000"), warnings);
  }

  @Test
  void aNodeLargerThanTheMaximumIsRefusedUnparsed() {
    assertEquals("its data is 65537 bytes, more than the 65536 a server's node may have",
        refused("x".repeat(64 * 1024 + 1)));
  }
}
